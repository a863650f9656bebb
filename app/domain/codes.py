"""The questionnaire's codes (docs/domain.md, "The household declaration").

Forms, stored declarations, scoring models and tests all use these codes.
Codes are never translated; their labels are (see ``app/web/labels.py``).
"""

from __future__ import annotations

MILIEUS = ("urban", "rural")

RELATIONS = (
    "self",
    "spouse",
    "child",
    "parent",
    "sibling",
    "grandchild",
    "grandparent",
    "other_relative",
    "non_relative",
)
MARITAL_STATUSES = ("single", "married", "divorced", "widowed")
EDUCATION_LEVELS = (
    "none",
    "preschool",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "higher",
)
ACTIVITIES = (
    "employed",
    "self_employed",
    "unemployed",
    "student",
    "homemaker",
    "retired",
    "unable_to_work",
    "other",
)
WORKING_ACTIVITIES = ("employed", "self_employed")
OCCUPATIONS = (
    "farm_worker",
    "farmer",
    "laborer",
    "artisan",
    "trader",
    "private_employee",
    "public_employee",
    "professional",
    "manager",
    "domestic_worker",
    "other",
)
HEALTH_COVERAGES = ("none", "amo_tadamon", "amo_cnss", "cnops", "private", "other")

DWELLING_TYPES = (
    "villa",
    "apartment",
    "modern_house",
    "traditional_house",
    "rural_house",
    "makeshift",
    "other",
)
OCCUPANCIES = ("owner", "owner_mortgage", "tenant", "free_lodging", "employer_provided", "other")
WALL_MATERIALS = ("concrete_brick", "stone", "earth", "wood_metal", "other")
ROOF_MATERIALS = ("concrete_slab", "tile_metal_sheet", "wood_reed", "other")
WATER_SOURCES = ("network_in_dwelling", "public_standpipe", "well", "other")
SANITATIONS = ("public_sewer", "septic_tank", "none")
ELECTRICITY_SOURCES = ("individual_meter", "shared_meter", "solar", "none")
COOKING_ENERGIES = ("butane", "electricity", "wood_charcoal", "other")

ASSET_COUNTS = (
    "cars",
    "motorcycles",
    "tvs",
    "satellite_dishes",
    "refrigerators",
    "washing_machines",
    "computers",
    "smartphones",
    "air_conditioners",
)
RURAL_ASSET_COUNTS = ("cattle", "sheep_goats", "tractors")
SPENDING_ITEMS = ("electricity_bill", "water_bill", "telecom", "butane_bottles")

# Schooling is asked from 5 to 24 years old (docs/domain.md).
SCHOOL_AGE_MIN = 5
SCHOOL_AGE_MAX = 24
ADULT_AGE = 18
