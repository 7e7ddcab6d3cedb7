// The complaint form (no inline scripts: CSP).
// 1. Warns about the filing window as soon as a date is typed (DESIGN §4.3 step 3). It only warns: the person
//    ticks "send it anyway" themselves, and a new warning unticks it. The numbers come from the server
//    (data-* on #filing-window); the wording follows complaints/policy.py.
// 2. After "Add a line", announces the new line (focus is already on its first field: autofocus).
(function () {
  "use strict";

  var DAY = 24 * 60 * 60 * 1000;

  // A date as typed: 2026-11-29 (a date input) or 11/29/2026 and 11/29/26 (browsers without one). Days since
  // the epoch in UTC, or null when it is not a real date.
  function parseDate(value) {
    var text = (value || "").trim();
    var year, month, day, match;
    match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    if (match) {
      year = +match[1];
      month = +match[2];
      day = +match[3];
    } else {
      match = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(text);
      if (!match) {
        return null;
      }
      month = +match[1];
      day = +match[2];
      year = +match[3];
      if (match[3].length === 2) {
        year += year < 69 ? 2000 : 1900; // as the server reads a two-digit year
      }
    }
    var time = Date.UTC(year, month - 1, day);
    var check = new Date(time);
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
      return null;
    }
    return Math.round(time / DAY);
  }

  function windowMessage(box, filedValue, resolvedValue) {
    var today = parseDate(box.getAttribute("data-today"));
    var earliest = parseDate(box.getAttribute("data-earliest"));
    var minDays = +box.getAttribute("data-min-days");
    var maxDays = +box.getAttribute("data-max-days");
    var afterDays = +box.getAttribute("data-after-resolution-days");
    var filed = parseDate(filedValue);
    var resolved = parseDate(resolvedValue);
    if (filed === null || today === null || filed > today || (earliest !== null && filed < earliest)) {
      return ""; // no date yet, or one the form refuses with its own message
    }
    if (resolved !== null && today - resolved >= 0 && today - resolved <= afterDays) {
      return "";
    }
    var days = today - filed;
    if (days < minDays) {
      return (
        "You filed with the MCO " + days + " day" + (days !== 1 ? "s" : "") + " ago. The MCO usually has " +
        minDays + " days to resolve it first, unless it has already answered. You can still send this " +
        "complaint; HFS may close it and ask you to give the MCO more time."
      );
    }
    if (days > maxDays) {
      return (
        "You filed with the MCO " + days + " days ago. Complaints are normally filed within " + maxDays +
        " days of filing with the MCO, or within " + afterDays + " days of the MCO's answer. You can still " +
        "send it; HFS will review whether it can be accepted."
      );
    }
    return "";
  }

  function warningAlert(message) {
    var alert = document.createElement("div");
    alert.className = "usa-alert usa-alert--warning usa-alert--slim margin-top-2";
    var body = document.createElement("div");
    body.className = "usa-alert__body";
    var text = document.createElement("p");
    text.className = "usa-alert__text";
    text.textContent = message;
    body.appendChild(text);
    alert.appendChild(body);
    return alert;
  }

  function setUpFilingWindow() {
    var box = document.getElementById("filing-window");
    var filed = document.getElementById("id_mco_filed_on");
    var resolved = document.getElementById("id_mco_resolved_on");
    var status = document.getElementById("filing-window-status");
    var confirm = document.getElementById("filing-window-confirm");
    var tick = document.getElementById("id_window_confirmed");
    if (!box || !filed || !status || !confirm || !tick) {
      return;
    }
    var shown = windowMessage(box, filed.value, resolved ? resolved.value : "");
    function update() {
      var message = windowMessage(box, filed.value, resolved ? resolved.value : "");
      if (message === shown) {
        return;
      }
      shown = message;
      tick.checked = false; // a tick answers one warning; a different one is asked again
      confirm.hidden = !message;
      while (status.firstChild) {
        status.removeChild(status.firstChild);
      }
      if (message) {
        status.appendChild(warningAlert(message));
      }
    }
    [filed, resolved].forEach(function (input) {
      if (input) {
        ["input", "change", "blur"].forEach(function (kind) {
          input.addEventListener(kind, update);
        });
      }
    });
  }

  function announceAddedLine() {
    var status = document.getElementById("claim-lines-status");
    if (!status || !status.getAttribute("data-announce")) {
      return;
    }
    var focusTarget = document.querySelector(".portal-claim-line [autofocus]");
    if (focusTarget && document.activeElement !== focusTarget && !document.querySelector(".portal-error-summary")) {
      focusTarget.focus();
    }
    // Filled in after the page has settled, so screen readers announce it as a change.
    window.setTimeout(function () {
      status.textContent = status.getAttribute("data-announce");
    }, 300);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpFilingWindow();
    announceAddedLine();
  });
})();
