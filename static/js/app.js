/*
 * Small progressive enhancements. Every page works without this file.
 * 1. Move focus to the error summary when a form comes back with errors, so screen
 *    readers announce it and keyboard users start from the list of problems.
 * 2. A link in the error summary moves focus to its field and scrolls the field's
 *    label (or fieldset legend) into view, not just the input.
 * 3. On a phone or tablet the main menu folds behind a "Menu" button (a real <button> with
 *    aria-expanded and aria-controls); Escape closes it and returns focus to the button.
 *    Without this file the menu is simply shown.
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

  function collapsibleMenu() {
    var nav = document.querySelector(".site-nav");
    var list = nav && nav.querySelector(".site-nav__list");
    var header = document.querySelector(".site-header__inner");
    if (!list || !list.id || !header) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "site-nav__toggle";
    button.textContent = "Menu";
    button.setAttribute("aria-controls", list.id);
    button.setAttribute("aria-expanded", "false");
    header.appendChild(button);
    header.parentNode.classList.add("site-header--with-menu");
    nav.classList.add("site-nav--collapsible");

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("site-nav--open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
    button.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        setOpen(false);
      }
    });
  }

  function init() {
    collapsibleMenu();
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
