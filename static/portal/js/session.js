// The idle-session warning (issue 16 item 13, WCAG 2.2.1). The server ends a session data-session-seconds after
// the page was served unless another request comes (accounts/sessions.py: what is left of the session's life, up to
// data-session-idle-seconds, the idle limit); data-warn-seconds before that, a dialog takes the focus and offers
// "Stay signed in" (a POST to the keep-alive address) or "Sign out". Esc counts as "Stay signed in": the safer
// choice for someone in the middle of a form. A page loaded in another tab renews the session too, so tabs tell
// each other (localStorage) and every tab's clock restarts.
(function () {
  "use strict";
  var dialog = document.getElementById("session-warning");
  if (!dialog) {
    return;
  }
  // The limits are on the page's body (the portal) or on the dialog itself (the staff admin's pages).
  var source = document.body.hasAttribute("data-session-seconds") ? document.body : dialog;
  var total = Number(source.getAttribute("data-session-seconds"));
  var full = Number(source.getAttribute("data-session-idle-seconds")) || total;
  var warn = Number(source.getAttribute("data-warn-seconds"));
  if (!total || typeof dialog.showModal !== "function") {
    return;
  }
  var KEY = "portal.session.endsAt";
  var warning = dialog.querySelector('[data-session-state="warning"]');
  var ended = dialog.querySelector('[data-session-state="ended"]');
  var keepAlive = dialog.querySelector("[data-session-keep-alive]");
  var countdown = dialog.querySelector("[data-session-countdown]");
  var endsAt = Date.now() + total * 1000;
  var warnTimer = null;
  var endTimer = null;
  var tick = null;
  var returnFocus = null;
  var isEnded = false;

  function share() {
    try {
      window.localStorage.setItem(KEY, String(endsAt));
    } catch (error) {
      // Storage refused (private mode): this tab still keeps its own clock.
    }
  }

  function describeLeft() {
    var seconds = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (seconds > 90) {
      return "about " + Math.round(seconds / 60) + " minutes";
    }
    if (seconds > 45) {
      return "about 1 minute";
    }
    return "less than a minute";
  }

  function open(state) {
    warning.hidden = state !== "warning";
    ended.hidden = state !== "ended";
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
    var target = state === "warning" ? keepAlive.querySelector("button") : ended.querySelector("[data-session-ended-heading]");
    target.focus();
  }

  function close() {
    window.clearInterval(tick);
    if (dialog.open) {
      dialog.close();
    }
    if (returnFocus && typeof returnFocus.focus === "function") {
      returnFocus.focus();
    }
    returnFocus = null;
  }

  function showWarning() {
    countdown.textContent = describeLeft();
    window.clearInterval(tick);
    tick = window.setInterval(function () {
      countdown.textContent = describeLeft();
    }, 15000);
    open("warning");
  }

  function showEnded() {
    isEnded = true;
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    window.clearInterval(tick);
    open("ended");
  }

  function schedule() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    var left = endsAt - Date.now();
    warnTimer = window.setTimeout(showWarning, Math.max(0, left - warn * 1000));
    endTimer = window.setTimeout(showEnded, Math.max(0, left));
  }

  function renewed(until) {
    if (isEnded) {
      return;
    }
    endsAt = until;
    if (dialog.open) {
      close();
    }
    schedule();
  }

  function stay() {
    var form = new FormData(keepAlive);
    window
      .fetch(keepAlive.action, { method: "POST", body: form, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.status === 204) {
          renewed(Date.now() + full * 1000);
          share();
        } else {
          showEnded(); // signed out already (the sign-in wall answered)
        }
      })
      .catch(function () {
        countdown.textContent = describeLeft() + " (the portal could not be reached: check your connection and try again)";
      });
  }

  keepAlive.addEventListener("submit", function (event) {
    event.preventDefault();
    stay();
  });
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    if (isEnded) {
      close();
    } else {
      stay();
    }
  });
  dialog.querySelector("[data-session-close]").addEventListener("click", close);
  window.addEventListener("storage", function (event) {
    var until = Number(event.newValue);
    if (event.key === KEY && until > endsAt) {
      renewed(until);
    }
  });
  share();
  schedule();
})();
