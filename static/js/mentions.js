/*
 * @mention suggestions (progressive enhancement: without this file, "@Full Name" typed out
 * still mentions the member whose name it is). In a post's text box, typing "@" and a few
 * letters lists matching members below it; Up and Down move through the list, Enter or Tab
 * puts the name in, Escape closes it. The text box keeps its own role (a textarea cannot be a
 * combobox), and points at the list and its highlighted option with aria-controls and
 * aria-activedescendant, as the ARIA combobox pattern does; a polite live region says how
 * many members matched.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var url = script && script.getAttribute("data-url");
  var WAIT_MS = 250;
  var count = 0;

  function query(field) {
    var before = field.value.slice(0, field.selectionStart);
    var match = /(^|[^\w@\/])@([^\s@][^@\n]{0,40})$/.exec(before);
    if (!match || match[2].split(" ").length > 4) {
      return null;
    }
    return { text: match[2], start: before.length - match[2].length - 1 };
  }

  function attach(field) {
    var n = ++count;
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var options = [];
    var active = -1;
    var timer = null;
    var current = null;

    list.id = "mention-list-" + n;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Members to mention");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", list.id);
    field.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      field.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.el.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        field.setAttribute("aria-activedescendant", options[index].el.id);
      } else {
        field.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var option = options[index];
      if (!option || !current) {
        return;
      }
      var end = field.selectionStart;
      var text = "@" + option.name + " ";
      field.value = field.value.slice(0, current.start) + text + field.value.slice(end);
      var at = current.start + text.length;
      field.setSelectionRange(at, at);
      close();
      status.textContent = option.name + " will be mentioned.";
      field.focus();
    }

    function show(members) {
      close();
      members.forEach(function (member, i) {
        var el = document.createElement("li");
        el.id = list.id + "-" + i;
        el.className = "mention-list__option";
        el.setAttribute("role", "option");
        el.setAttribute("aria-selected", "false");
        el.textContent = member.name;
        el.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep focus in the text box
          choose(i);
        });
        list.appendChild(el);
        options.push({ el: el, name: member.name });
      });
      list.hidden = options.length === 0;
      status.textContent = options.length
        ? options.length + (options.length === 1 ? " member matches" : " members match") +
          ". Use the up and down arrows, then Enter."
        : "No member matches.";
      if (options.length) {
        highlight(0);
      }
    }

    function lookup() {
      current = query(field);
      if (!current) {
        close();
        return;
      }
      var asked = current.text;
      fetch(url + "?q=" + encodeURIComponent(asked), {
        headers: { Accept: "application/json" }, credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.json() : [];
      }).then(function (members) {
        if (current && current.text === asked) {
          show(members);
        }
      }).catch(close);
    }

    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, WAIT_MS);
    });
    field.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    field.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  if (url && window.fetch) {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[name='body']"), attach);
  }
})();
