// The workflow page: while the workflow runs, follow GET /api/workflows/{id}/events,
// move the overall and per-step progress bars, and re-fetch the server-rendered stepper
// (hx-trigger="workflow:changed") whenever a step changes state.
(function () {
  "use strict";
  if (window.chWorkflows) return;
  window.chWorkflows = true;
  var source = null;
  var followed = null;

  function stepper() {
    return document.getElementById("workflow-stepper");
  }
  function signature(workflow) {
    return workflow.status + "|" + workflow.steps.map(function (s) { return s.state; }).join(",");
  }
  function stop() {
    if (source) source.close();
    source = null;
    followed = null;
  }

  function onWorkflow(event) {
    var workflow = JSON.parse(event.data);
    var el = stepper();
    if (!el) return stop();
    if (signature(workflow) !== el.getAttribute("data-signature")) htmx.trigger(el, "workflow:changed");
    if (workflow.status !== "running") stop(); // the re-fetched stepper shows the end state
  }

  function onProgress(event) {
    var data = JSON.parse(event.data);
    var el = stepper();
    if (!el) return;
    var overall = el.querySelector("[data-workflow-progress]");
    if (overall && typeof data.overall === "number") overall.value = data.overall;
    var text = el.querySelector("[data-workflow-message]");
    var shown = window.CreativeHub ? window.CreativeHub.localize(data.message) : data.message;
    if (text && data.message) text.textContent = shown;
    var step = el.querySelector('[data-step="' + data.step + '"]');
    if (!step) return;
    var bar = step.querySelector("[data-step-progress]");
    if (bar && typeof data.progress === "number") bar.value = data.progress;
    var message = step.querySelector("[data-step-message]");
    if (message && data.message) message.textContent = shown;
  }

  function follow() {
    var el = stepper();
    if (!el || el.getAttribute("data-status") !== "running" || !window.EventSource) return stop();
    if (window.CreativeHub) window.CreativeHub.loadKnown();
    var url = el.getAttribute("data-workflow-events");
    if (source && followed === url) return;
    stop();
    followed = url;
    source = new EventSource(url);
    source.addEventListener("workflow", onWorkflow);
    source.addEventListener("progress", onProgress);
    source.addEventListener("deleted", function () {
      stop();
      window.location.assign("/workflows");
    });
  }

  document.addEventListener("htmx:load", follow);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", follow);
  else follow();
})();
