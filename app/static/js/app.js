// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // GOV.UK pattern: move focus to the error summary so screen readers announce it.
  // After a partial swap, focus goes where the server said the new content
  // starts (data-focus-after-swap): a heading or a first control, never back
  // to the document, from where the next Tab would land in the footer.
  function focusNewContent(root, swapped) {
    var scope = root || document;
    var target = scope.querySelector("[data-autofocus]") ||
      (swapped ? scope.querySelector("[data-focus-after-swap]") : null);
    if (target) {
      target.focus();
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

  // -- Slow networks cannot undo an answer ------------------------------------------
  // Each request keeps the answers it carried. When its response comes back,
  // a part of the page holding an answer the person changed since is left as
  // it is: the newer answer has sent (or will send) its own check.
  function answersOf(form) {
    var answers = {};
    if (!form) { return answers; }
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") {
        answers[name] = (answers[name] || []).concat([value]);
      }
    });
    return answers;
  }

  function changedSince(container, sent) {
    if (!sent || !container || !container.querySelectorAll) { return false; }
    var now = {};
    var names = {};
    container.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (control) {
      if (control.type === "hidden" || !Object.prototype.hasOwnProperty.call(sent, control.name)) { return; }
      names[control.name] = true;
      if ((control.type === "radio" || control.type === "checkbox") && !control.checked) { return; }
      if (control.tagName === "SELECT" && control.multiple) {
        Array.prototype.forEach.call(control.selectedOptions, function (option) {
          now[control.name] = (now[control.name] || []).concat([option.value]);
        });
        return;
      }
      now[control.name] = (now[control.name] || []).concat([control.value]);
    });
    return Object.keys(names).some(function (name) {
      return (now[name] || []).join("\u0000") !== sent[name].join("\u0000");
    });
  }

  var answersOfThisSwap = null;

  // A live check keeps showing the problems the page shows (the server
  // otherwise speaks only of the fields answered), so that a question still
  // unanswered does not drop out of the error summary.
  document.addEventListener("htmx:configRequest", function (event) {
    var shown = [];
    document.querySelectorAll(".error-summary [data-error-for]").forEach(function (entry) {
      shown.push(entry.getAttribute("data-error-for"));
    });
    if (shown.length) {
      event.detail.headers["RSU-Shown-Errors"] = shown.join(" ");
    }
  });

  // Only live checks are guarded: a button pressed (Find, Add, Remove) asked
  // for its answer, which is shown whatever was typed since.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.closest && elt.closest("[data-live-check]")) {
      event.detail.xhr.rsuSentAnswers = answersOf(elt.closest("form"));
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var shown = document.querySelector(".error-summary[data-title-prefix]");
    if (shown) { errorTitlePrefix = shown.getAttribute("data-title-prefix"); }
    var sent = event.detail.xhr && event.detail.xhr.rsuSentAnswers;
    answersOfThisSwap = sent || null;
    if (changedSince(event.detail.target, sent)) {
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    if (changedSince(event.detail.target, answersOfThisSwap)) {
      event.detail.shouldSwap = false;
    }
  });

  // -- The error summary follows the live checks -----------------------------------
  // A field fixed as the person answers leaves the summary; a field whose
  // message changed says the new one. Fields that newly have a problem are
  // shown at the field only: a summary appearing while typing would pull focus.
  function updateErrorSummary(group) {
    if (!group || !group.id || group.id.slice(-6) !== "-group") { return; }
    var fieldId = group.id.slice(0, -6);
    var message = group.querySelector(".field-error [data-error-text]");
    document.querySelectorAll(".error-summary [data-error-for]").forEach(function (entry) {
      if (entry.getAttribute("data-error-for") !== fieldId) { return; }
      var summary = entry.closest(".error-summary");
      if (message) {
        entry.querySelector("a").textContent = message.textContent;
        return;
      }
      entry.remove();
      if (!summary.querySelector("[data-error-for], [data-form-error]")) {
        summary.remove();
      }
    });
    syncErrorTitle();
  }

  // The title starts with "Error:" exactly while the page shows an error
  // summary, also when summaries come and go with partial swaps.
  var errorTitlePrefix = null;

  function syncErrorTitle() {
    var summary = document.querySelector(".error-summary[data-title-prefix]");
    if (summary) {
      errorTitlePrefix = summary.getAttribute("data-title-prefix");
      if (document.title.indexOf(errorTitlePrefix) !== 0) {
        document.title = errorTitlePrefix + document.title;
      }
    } else if (errorTitlePrefix && document.title.indexOf(errorTitlePrefix) === 0) {
      document.title = document.title.slice(errorTitlePrefix.length);
    }
  }

  // A summary link puts the focus in its field (an anchor alone only scrolls),
  // as the GOV.UK error summary does. Delegated: summaries come and go with swaps.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field && field.focus) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({block: "center"});
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusNewContent(document, false);
    bindPrintButtons(document);
  });

  // event.target is the new content (an outerHTML swap replaces the old
  // element, which event.detail.target still points to).
  document.addEventListener("htmx:afterSwap", function (event) {
    updateErrorSummary(event.target);
    if (event.target.closest && event.target.closest("[data-live-check]")) {
      return; // a live check: focus stays in the field, where htmx restored it
    }
    syncErrorTitle();
    focusNewContent(event.target, true);
    bindPrintButtons(event.target);
  });

  document.addEventListener("htmx:oobAfterSwap", function (event) {
    updateErrorSummary(event.target);
  });
})();
