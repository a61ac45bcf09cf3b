/*
 * Small progressive enhancements. Every page works without this file.
 * 1. Move focus to the error summary when a form comes back with errors, so screen
 *    readers announce it and keyboard users start from the list of problems.
 * 2. A link in the error summary moves focus to its field and scrolls the field's
 *    label (or fieldset legend) into view, not just the input.
 */
(function () {
  "use strict";

  function labelFor(input) {
    var fieldset = input.closest("fieldset");
    if (fieldset) {
      var legend = fieldset.querySelector("legend");
      if (legend) {
        var box = legend.getBoundingClientRect();
        var inputBox = input.getBoundingClientRect();
        if (inputBox.top - box.top < window.innerHeight / 2) {
          return legend;
        }
      }
    }
    return document.querySelector("label[for='" + CSS.escape(input.id) + "']") || input;
  }

  function focusTarget(event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    labelFor(input).scrollIntoView();
    input.focus({ preventScroll: true });
  }

  function init() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.addEventListener("click", focusTarget);
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
