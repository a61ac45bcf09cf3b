/*
 * Autosave of drafts (progressive enhancement: without this file "Save draft" does the same
 * on a click). Every few seconds, when the text of a form marked data-autosave has changed,
 * post the form as the "Save draft" button would, asking for JSON, and show the answer
 * ("Draft saved at 10:42am.") in the form's polite live region, #draft-status.
 * The form's own CSRF token goes with it. Stops once the form is sent.
 */
(function () {
  "use strict";

  var EVERY_MS = 5000;

  function words(form) {
    var fields = form.querySelectorAll("textarea, input[name='title']");
    return Array.prototype.map.call(fields, function (field) { return field.value; }).join("\u0000");
  }

  function autosave(form) {
    var status = document.getElementById("draft-status");
    var saved = words(form);
    var busy = false;
    var sent = false;

    function show(message) {
      if (status && !sent) {
        status.textContent = message;
      }
    }

    function save() {
      var now = words(form);
      if (sent || busy || now === saved) {
        return;
      }
      busy = true;
      var data = new FormData(form);
      data.delete("preview");
      data.set("save_draft", "1");
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          throw new Error("");  // not our answer (a network or server problem): try again
        }
        return response.json().then(function (answer) {
          if (!response.ok) {
            var refused = new Error(answer.message || "");
            refused.refused = true;
            throw refused;
          }
          return answer;
        });
      }).then(function (answer) {
        saved = now;
        show(answer.message);
      }).catch(function (error) {
        if (error.refused) {
          saved = now;  // the server said why: wait for the next change before asking again
          show("Your draft was not saved: " + error.message);
        } else {
          show("Your draft could not be saved just now. We will try again.");
        }
      }).finally(function () {
        busy = false;
      });
    }

    form.addEventListener("submit", function () { sent = true; });
    window.setInterval(save, EVERY_MS);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), autosave);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
