// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // GOV.UK pattern: move focus to the error summary so screen readers announce it.
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-autofocus]");
    if (summary) {
      summary.focus();
    }
  }

  // Print buttons (receipts): no inline handlers, the CSP forbids them.
  function bindPrintButtons(root) {
    (root || document).querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // A printed copy holds everything: folded sections open before printing.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (details) { details.open = true; });
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
    bindPrintButtons(document);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    focusErrorSummary(event.detail.target);
    bindPrintButtons(event.detail.target);
  });
})();
