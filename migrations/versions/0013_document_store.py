"""Documents' bytes in the database, so that every node of the portal shares them
(DOCUMENT_STORE=database).

Revision ID: 0013_document_store
Revises: 0012_request_id
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_document_store"
down_revision: str | None = "0012_request_id"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_contents",
        sa.Column("name", sa.String(length=48), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_document_contents")),
    )
    # Documents are a few megabytes at most and never compressible (PDF,
    # PNG, JPEG): TOAST keeps them out of line, uncompressed.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE document_contents ALTER COLUMN content SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_table("document_contents")
