// The Chat page: send a message to POST /api/chat/conversations/{id}/messages and show
// the reply as its SSE stream arrives (start, delta..., done, title, error); Stop asks
// the API to stop, and the partial reply it keeps stays on screen. Text only, never HTML.
(function () {
  "use strict";
  if (window.chChat) return;
  window.chChat = true;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function bubble(form, role, text) {
    var list = document.querySelector("[data-chat-messages]");
    var empty = list.querySelector("[data-chat-empty]");
    if (empty) empty.remove();
    var article = document.createElement("article");
    article.className = "chat-message chat-" + role;
    article.setAttribute("data-status", role === "assistant" ? "streaming" : "complete");
    var header = document.createElement("header");
    var who = document.createElement("strong");
    who.textContent = form.getAttribute(role === "user" ? "data-label-you" : "data-label-assistant");
    header.appendChild(who);
    var body = document.createElement("div");
    body.className = "chat-text";
    body.textContent = text;
    article.appendChild(header);
    article.appendChild(body);
    list.appendChild(article);
    list.scrollTop = list.scrollHeight;
    return article;
  }

  function badge(article, text, kind) {
    var span = document.createElement("span");
    span.className = "badge status-" + kind;
    span.textContent = text;
    article.querySelector("header").appendChild(span);
  }

  // One SSE frame ("event: x\ndata: y") -> {event, data}; comments (pings) give null.
  function parseFrame(frame) {
    var event = "message";
    var data = [];
    frame.split(/\r\n|\r|\n/).forEach(function (line) {
      if (line.indexOf("event:") === 0) event = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
    });
    if (!data.length) return null;
    try {
      return { event: event, data: JSON.parse(data.join("\n")) };
    } catch (e) {
      return null;
    }
  }

  function showError(form, message) {
    var box = form.querySelector("[data-chat-error]");
    box.textContent = message;
    box.hidden = !message;
    if (message && window.CreativeHub) window.CreativeHub.toast(message, "error");
  }

  function setStreaming(form, on) {
    form.querySelector("[data-chat-send]").hidden = on;
    form.querySelector("[data-chat-send]").disabled = on;
    var stop = form.querySelector("[data-chat-stop]");
    stop.hidden = !on;
    stop.disabled = false;
    stop.removeAttribute("aria-busy");
    if (on) form.setAttribute("data-streaming", "");
    else form.removeAttribute("data-streaming");
  }

  function handle(form, frame, state) {
    var body = state.reply.querySelector(".chat-text");
    var list = document.querySelector("[data-chat-messages]");
    if (frame.event === "delta") {
      body.textContent += frame.data.content;
      list.scrollTop = list.scrollHeight;
    } else if (frame.event === "done") {
      var message = frame.data.message;
      body.textContent = message.content;
      state.reply.setAttribute("data-status", message.status);
      if (message.status === "stopped") badge(state.reply, form.getAttribute("data-label-stopped"), "stopped");
      if (message.status === "failed") badge(state.reply, form.getAttribute("data-label-failed"), "failed");
      setStreaming(form, false); // the title may still follow; the next message need not wait
    } else if (frame.event === "title") {
      var title = document.querySelector("#chat-title h1");
      if (title) title.textContent = frame.data.title;
      var rename = document.getElementById("chat-rename");
      if (rename) rename.value = frame.data.title;
      var link = document.querySelector(".chat-list a[aria-current='page']");
      if (link) link.textContent = frame.data.title;
    } else if (frame.event === "error") {
      showError(form, frame.data.message || form.getAttribute("data-label-failed"));
    }
  }

  async function send(form) {
    var input = form.querySelector("textarea[name=content]");
    var content = input.value.trim();
    if (!content || form.hasAttribute("data-streaming")) return;
    showError(form, "");
    var model = form.querySelector("select[name=model]");
    setStreaming(form, true);
    bubble(form, "user", content);
    var state = { reply: bubble(form, "assistant", "") };
    input.value = "";
    try {
      var response = await fetch(form.getAttribute("data-send-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "text/event-stream",
          "X-CSRF-Token": csrfToken(),
        },
        body: JSON.stringify({ content: content, model: model ? model.value : null }),
      });
      if (!response.ok) {
        var problem = null;
        try { problem = (await response.json()).error; } catch (e) { /* not JSON */ }
        state.reply.remove();
        input.value = content; // nothing was sent: give the text back
        throw new Error(problem && problem.message ? problem.message : "HTTP " + response.status);
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        var frames = buffer.split(/\r\n\r\n|\n\n|\r\r/);
        buffer = frames.pop();
        frames.forEach(function (text) {
          var frame = parseFrame(text);
          if (frame) handle(form, frame, state);
        });
      }
    } catch (error) {
      showError(form, error.message || form.getAttribute("data-label-failed"));
    } finally {
      if (state.reply.getAttribute("data-status") === "streaming") state.reply.setAttribute("data-status", "stopped");
      setStreaming(form, false);
      input.focus();
    }
  }

  async function stop(form, button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      var response = await fetch(form.getAttribute("data-stop-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrfToken(), Accept: "application/json" },
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
    } catch (error) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      showError(form, error.message);
    }
  }

  // Capture phase: handled before app.js's page-wide submit handler sees the event.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("[data-chat-form]");
    if (!form) return;
    event.preventDefault();
    send(form);
  }, true);
  document.addEventListener("keydown", function (event) {
    var form = event.target.closest && event.target.closest("[data-chat-form]");
    if (!form || event.target.name !== "content") return;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(form);
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-chat-stop]");
    if (button) stop(button.closest("[data-chat-form]"), button);
  });
  function scrollDown() {
    var list = document.querySelector("[data-chat-messages]");
    if (list) list.scrollTop = list.scrollHeight;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scrollDown);
  else scrollDown();
})();
