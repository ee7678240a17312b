// Creative Hub page behaviour: CSRF for htmx, toasts, friendly errors in place, busy
// buttons, the small-screen menu, instant theme switching and live task progress.
// Loaded with `defer` from <head>; the CSP allows no inline script, so everything is here.
(function () {
  "use strict";

  var doc = document;
  var TERMINAL = { succeeded: true, failed: true, cancelled: true };

  function strings() {
    try {
      return JSON.parse(doc.body.getAttribute("data-strings") || "{}");
    } catch (e) {
      return {};
    }
  }
  function t(key, fallback) {
    var value = strings()[key];
    return typeof value === "string" ? value : fallback;
  }
  function csrfToken() {
    var meta = doc.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // --- English made by jobs (progress over SSE), in the page's language ----------------
  // The table comes from /i18n/known-text.json (web/known_text.py), fetched once per page
  // on a non-English page; until it arrives a message shows as sent.
  var known = null;
  function loadKnown() {
    if (known || !window.fetch || (doc.documentElement.lang || "en").indexOf("en") === 0) return;
    known = { exact: {}, templates: [] };
    fetch("/i18n/known-text.json", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        known = {
          exact: data.exact || {},
          templates: (data.templates || []).map(function (t) { return [new RegExp(t[0]), t[1]]; }),
        };
      })
      .catch(function () {});
  }
  function knownExact(text) {
    var key = text.replace(/_/g, " ");
    return Object.prototype.hasOwnProperty.call(known.exact, key) ? known.exact[key] : null;
  }
  function localize(text) {
    if (!known || !text) return text;
    var found = knownExact(text);
    if (found !== null) return found;
    for (var i = 0; i < known.templates.length; i++) {
      var match = known.templates[i][0].exec(text);
      if (!match) continue;
      return known.templates[i][1].replace(/\{(\d)\}/g, function (_m, n) {
        var part = match[Number(n) + 1] || "";
        var exact = knownExact(part);
        return exact !== null ? exact : localize(part);
      });
    }
    return text;
  }

  // --- toasts -------------------------------------------------------------------------
  function scheduleHide(node) {
    var delay = node.classList.contains("toast-error") ? 10000 : 5000;
    var timer = null;
    function arm() {
      timer = window.setTimeout(function () {
        var details = node.querySelector("details");
        if (details && details.open) return; // someone is reading the details
        node.remove();
      }, delay);
    }
    node.addEventListener("mouseenter", function () { window.clearTimeout(timer); });
    node.addEventListener("mouseleave", arm);
    node.addEventListener("focusin", function () { window.clearTimeout(timer); });
    arm();
  }

  function toast(message, kind, details) {
    var region = doc.getElementById("toasts");
    if (!region) return null;
    var node = doc.createElement("div");
    node.className = "toast toast-" + (kind || "info");
    node.setAttribute("role", kind === "error" ? "alert" : "status");
    node.setAttribute("data-toast", "");
    var text = doc.createElement("p");
    text.className = "toast-message";
    text.textContent = message; // text, never HTML
    node.appendChild(text);
    if (details) {
      var box = doc.createElement("details");
      box.className = "toast-details";
      var summary = doc.createElement("summary");
      summary.textContent = t("details", "Details");
      var pre = doc.createElement("pre");
      pre.textContent = details;
      box.appendChild(summary);
      box.appendChild(pre);
      node.appendChild(box);
    }
    var close = doc.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("data-toast-close", "");
    close.setAttribute("aria-label", t("close", "Close"));
    close.textContent = "×";
    node.appendChild(close);
    region.appendChild(node);
    scheduleHide(node);
    return node;
  }

  function armToasts(root) {
    var nodes = root.querySelectorAll ? root.querySelectorAll("[data-toast]:not([data-armed])") : [];
    Array.prototype.forEach.call(nodes, function (node) {
      node.setAttribute("data-armed", "");
      scheduleHide(node);
    });
  }

  // A server answer can ask for a toast: HX-Trigger: {"toast": {"message", "kind", "details"}}.
  doc.addEventListener("toast", function (event) {
    var d = event.detail || {};
    if (d.message) toast(d.message, d.kind || "info", d.details);
  });

  doc.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-toast-close]");
    if (close) close.closest("[data-toast]").remove();
  });

  // --- htmx: CSRF header, errors in place ------------------------------------------
  doc.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  function errorFrom(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    var body = xhr.responseText || "";
    var info = { html: null, message: t("error", "Something went wrong."), details: "" };
    if (type.indexOf("text/html") === 0 && body) {
      var holder = doc.createElement("template");
      holder.innerHTML = body;
      var fragment = holder.content.querySelector("[data-inline-error]");
      if (fragment) {
        info.html = fragment;
        var text = fragment.querySelector("[data-error-message]");
        if (text) info.message = text.textContent.trim();
        info.details = [
          "HTTP " + xhr.status,
          fragment.getAttribute("data-error-code"),
          fragment.getAttribute("data-request-id"),
        ].filter(Boolean).join(" · ");
        return info;
      }
    }
    if (type.indexOf("application/json") === 0) {
      try {
        var error = JSON.parse(body).error;
        if (error && error.message) info.message = error.message;
        info.details = "HTTP " + xhr.status + " · " + (error && error.code);
        return info;
      } catch (e) { /* fall through */ }
    }
    info.details = "HTTP " + xhr.status;
    return info;
  }

  function inlineError(message) {
    var box = doc.createElement("div");
    box.className = "inline-error";
    box.setAttribute("role", "alert");
    box.setAttribute("data-inline-error", "");
    var p = doc.createElement("p");
    p.setAttribute("data-error-message", "");
    p.textContent = message;
    box.appendChild(p);
    return box;
  }

  // The error goes where the answer would have gone; a button or input keeps its place
  // and gets the message after it. The whole page is never replaced by an error.
  // A region that holds the form or button that failed keeps it (to try again) and
  // gets the message on top.
  function showInPlace(target, node, elt) {
    if (!target || target === doc.body || target === doc.documentElement) return;
    var custom = target.closest && target.closest("[data-error-target]");
    if (custom) target = doc.querySelector(custom.getAttribute("data-error-target")) || target;
    if (/^(BUTTON|INPUT|SELECT|TEXTAREA|A|FORM|TR|PROGRESS)$/.test(target.tagName)) {
      var old = target.parentNode && target.parentNode.querySelector(":scope > [data-inline-error]");
      if (old) old.remove();
      target.insertAdjacentElement("afterend", node);
    } else if (elt && target.contains(elt)) {
      var previous = target.querySelector(":scope > [data-inline-error]");
      if (previous) previous.remove();
      target.prepend(node);
    } else {
      target.replaceChildren(node);
    }
  }

  doc.addEventListener("htmx:responseError", function (event) {
    var info = errorFrom(event.detail.xhr);
    showInPlace(event.detail.target, info.html || inlineError(info.message), event.detail.elt);
    toast(info.message, "error", info.details);
  });
  doc.addEventListener("htmx:sendError", function (event) {
    var message = t("network", "Could not reach the server.");
    showInPlace(event.detail.target, inlineError(message), event.detail.elt);
    toast(message, "error", event.detail.requestConfig ? event.detail.requestConfig.path : "");
  });

  // --- busy buttons: no double submits, a spinner while working -----------------------
  function setBusy(form, busy) {
    var buttons = form.querySelectorAll('button[type="submit"], button:not([type])');
    Array.prototype.forEach.call(buttons, function (button) {
      var label = button.getAttribute("data-busy-label");
      if (busy) {
        button.setAttribute("aria-busy", "true");
        button.disabled = true;
        if (label && !button.hasAttribute("data-idle-label")) {
          button.setAttribute("data-idle-label", button.textContent);
          button.textContent = label;
        }
      } else {
        button.removeAttribute("aria-busy");
        button.disabled = false;
        if (button.hasAttribute("data-idle-label")) {
          button.textContent = button.getAttribute("data-idle-label");
          button.removeAttribute("data-idle-label");
        }
      }
    });
    if (busy) form.setAttribute("data-submitting", "");
    else form.removeAttribute("data-submitting");
  }

  doc.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-submitting")) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-theme-form")) return;
    var isHtmx = form.hasAttribute("hx-post") || form.hasAttribute("hx-put") ||
      form.hasAttribute("hx-patch") || form.hasAttribute("hx-delete") || form.hasAttribute("hx-get");
    if (!isHtmx) {
      if (event.defaultPrevented) return; // another script handles it
      doc.documentElement.classList.add("is-navigating");
    }
    // After this event: a disabled submitter would drop its name=value from the form data.
    // Unless the answer came first (a fast server, a busy browser): then it stays idle.
    var submission = {};
    form._submission = submission;
    window.setTimeout(function () {
      if (form._submission === submission) setBusy(form, true);
    }, 0);
  });
  doc.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.tagName === "BUTTON") {
      elt.disabled = true;
      elt.setAttribute("aria-busy", "true");
    }
  });
  doc.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.tagName === "FORM") {
      elt._submission = null;
      setBusy(elt, false);
    }
    if (elt.tagName === "BUTTON" && elt.isConnected) {
      elt.disabled = false;
      elt.removeAttribute("aria-busy");
    }
  });
  // Back/forward cache: a page restored mid-submit must be usable again.
  window.addEventListener("pageshow", function () {
    doc.documentElement.classList.remove("is-navigating");
    Array.prototype.forEach.call(doc.querySelectorAll("form[data-submitting]"), function (f) {
      setBusy(f, false);
    });
  });

  // --- page loading bar on ordinary navigation ------------------------------------------
  doc.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey ||
      event.ctrlKey || event.shiftKey || link.target || link.hasAttribute("download")) return;
    var href = link.getAttribute("href");
    if (href.charAt(0) === "#" || link.origin !== window.location.origin) return;
    doc.documentElement.classList.add("is-navigating");
  });

  // --- the menu under 768 px -----------------------------------------------------------
  function setMenu(open) {
    doc.body.classList.toggle("nav-open", open);
    var button = doc.querySelector("[data-menu-toggle]");
    if (button) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.setAttribute("aria-label", open ? t("menu_close", "Close menu") : t("menu_open", "Open menu"));
    }
    var backdrop = doc.querySelector("[data-menu-close]");
    if (backdrop) backdrop.hidden = !open;
    if (open) {
      var first = doc.querySelector("#sidebar a");
      if (first) first.focus();
    }
  }
  doc.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-menu-toggle]")) {
      setMenu(!doc.body.classList.contains("nav-open"));
    } else if (event.target.closest && event.target.closest("[data-menu-close]")) {
      setMenu(false);
    }
  });
  doc.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && doc.body.classList.contains("nav-open")) setMenu(false);
  });

  // --- theme: applied at once, remembered by the server's cookie -------------------------
  doc.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-theme-form")) return;
    var button = event.submitter;
    if (!button || !button.value) return;
    event.preventDefault();
    var theme = button.value;
    if (theme === "system") doc.documentElement.removeAttribute("data-theme");
    else doc.documentElement.setAttribute("data-theme", theme);
    Array.prototype.forEach.call(doc.querySelectorAll("[data-theme-form] button[name=theme]"), function (b) {
      b.setAttribute("aria-pressed", b.value === theme ? "true" : "false");
    });
    var data = new FormData(form);
    data.set("theme", theme);
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(data),
      headers: { "HX-Request": "true", "X-CSRF-Token": csrfToken() },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) toast(t("error", "Something went wrong."), "error", "HTTP " + response.status);
    }, function () {
      toast(t("network", "Could not reach the server."), "error");
    });
  });

  // --- live task progress (GET /api/tasks/{id}/events) ------------------------------------
  // A browser opens at most 6 HTTP/1.1 connections to a host: follow a few tasks at a time
  // and queue the rest, so streams never starve page requests.
  var MAX_STREAMS = 3;
  var streams = 0;
  var waiting = [];

  function released() {
    streams -= 1;
    while (waiting.length && streams < MAX_STREAMS) {
      var next = waiting.shift();
      if (next.isConnected) follow(next);
    }
  }

  function follow(node) {
    if (node.hasAttribute("data-following") || TERMINAL[node.getAttribute("data-status")]) return;
    loadKnown();
    if (!window.EventSource) return;
    if (streams >= MAX_STREAMS) {
      if (waiting.indexOf(node) < 0) waiting.push(node);
      return;
    }
    streams += 1;
    node.setAttribute("data-following", "");
    var open = true;
    var bar = node.querySelector("progress");
    var status = node.querySelector("[data-task-status]");
    var message = node.querySelector("[data-task-message]");
    var source = new EventSource(node.getAttribute("data-task-events"));
    function stop() {
      if (!open) return;
      open = false;
      source.close();
      released();
    }
    function show(percent, text) {
      if (bar && typeof percent === "number") bar.value = percent;
      if (message && typeof text === "string") message.textContent = localize(text);
    }
    source.addEventListener("progress", function (event) {
      var data = JSON.parse(event.data);
      show(data.progress, data.progress_message || "");
    });
    source.addEventListener("task", function (event) {
      var task = JSON.parse(event.data);
      node.setAttribute("data-live", ""); // subscribed: every later change will arrive
      show(task.progress, task.progress_message || "");
      node.setAttribute("data-status", task.status);
      if (status) status.textContent = t("status_" + task.status, task.status);
      if (TERMINAL[task.status]) {
        stop();
        if (task.status === "succeeded" && bar) bar.value = 100;
        node.dispatchEvent(new CustomEvent("task:done", { bubbles: true, detail: task }));
      }
    });
    source.addEventListener("deleted", function () {
      stop();
      node.remove();
    });
    // Stop following when htmx swaps the element away.
    node.addEventListener("htmx:beforeCleanupElement", stop);
  }

  function init(root) {
    if (!root.querySelectorAll) return;
    var isElement = typeof root.matches === "function";
    if (isElement && root.matches("[data-task-events]")) follow(root);
    Array.prototype.forEach.call(root.querySelectorAll("[data-task-events]"), follow);
    if (isElement && root.matches("[data-toast]:not([data-armed])")) {
      root.setAttribute("data-armed", "");
      scheduleHide(root);
    }
    armToasts(root);
  }
  doc.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", function () { init(doc); });
  else init(doc);

  window.CreativeHub = { toast: toast, follow: follow, localize: localize, loadKnown: loadKnown };
})();
