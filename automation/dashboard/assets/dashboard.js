// The dashboard page's script: live updates from the event stream, the charts, and the buttons.
// Plain browser JavaScript, no build step. Every figure is already in the server's HTML; this
// only keeps it fresh and draws it.
(() => {
  "use strict";
  const token = document.querySelector('meta[name="switchyard-token"]')?.getAttribute("content");
  const live = document.getElementById("live");
  const drawn = new Map();

  const sectionOf = (stack) => document.querySelector(`section.stack[data-stack="${CSS.escape(stack)}"]`);

  function doraChart(canvas, weekly) {
    const data = {
      labels: weekly.map((w) => w.until),
      datasets: [
        { type: "bar", label: "deployments per week", data: weekly.map((w) => w.deployments), yAxisID: "count", backgroundColor: "#4c78a8" },
        { type: "line", label: "change failure rate %", data: weekly.map((w) => (w.change_failure_rate === null ? null : Math.round(w.change_failure_rate * 1000) / 10)), yAxisID: "rate", borderColor: "#e45756", spanGaps: true },
      ],
    };
    return new window.Chart(canvas, {
      data,
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: "Delivery over time (7-day windows)" } },
        scales: { count: { position: "left", beginAtZero: true, ticks: { precision: 0 } }, rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } },
      },
    });
  }

  function drawCharts(data) {
    const section = sectionOf(data.stack);
    if (!section) return;
    let parts = drawn.get(data.stack);
    if (!parts) {
      const holder = section.querySelector(".charts");
      holder.replaceChildren();
      const timeline = document.createElement("div");
      timeline.className = "timeline";
      const dora = document.createElement("div");
      dora.className = "dora";
      const canvas = document.createElement("canvas");
      dora.append(canvas);
      holder.append(timeline, dora);
      parts = { timeline, canvas, timelineId: undefined, dora: undefined };
      drawn.set(data.stack, parts);
    }
    if (data.timeline && window.SwitchyardTimeline) {
      // A new rollout gets fresh charts; the same one is updated in place.
      if (parts.timelineId === data.timeline.id) window.SwitchyardTimeline.update(parts.timeline, data.timeline);
      else {
        parts.timeline.replaceChildren();
        window.SwitchyardTimeline.draw(parts.timeline, data.timeline);
        parts.timelineId = data.timeline.id;
      }
    }
    if (data.weekly && window.Chart) {
      if (!parts.dora) parts.dora = doraChart(parts.canvas, data.weekly);
      else {
        parts.dora.data.labels = data.weekly.map((w) => w.until);
        parts.dora.data.datasets[0].data = data.weekly.map((w) => w.deployments);
        parts.dora.data.datasets[1].data = data.weekly.map((w) => (w.change_failure_rate === null ? null : Math.round(w.change_failure_rate * 1000) / 10));
        parts.dora.update("none");
      }
    }
  }

  function say(section, text, kind) {
    const line = section.querySelector(".action-result");
    line.textContent = text;
    line.className = `action-result ${kind}`;
  }

  async function act(button) {
    const { stack, action, rollout } = button.dataset;
    const section = sectionOf(stack);
    const command = action === "promote-full" ? `switchyard promote --full --stack ${stack}` : `switchyard ${action} --stack ${stack}`;
    if (!window.confirm(`${button.textContent} on stack "${stack}", rollout ${rollout}?\n\nThis runs: ${command}`)) return;
    say(section, `${command}: sending…`, "pending");
    try {
      const response = await fetch(`/api/stacks/${encodeURIComponent(stack)}/actions/${encodeURIComponent(action)}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Switchyard-Token": token },
        body: JSON.stringify({ confirm: stack, rollout }),
        credentials: "same-origin",
      });
      const body = await response.json();
      if (response.ok) say(section, `${body.run.command}: started (pid ${body.run.pid}); the page shows its effect as the records change. Log: ${body.run.log}`, "ok");
      else say(section, `${command}: refused: ${body.error.message}${body.error.fix ? ` (${body.error.fix})` : ""}`, "error");
    } catch (error) {
      say(section, `${command}: could not reach the dashboard: ${error.message}`, "error");
    }
  }

  function enableButtons(section) {
    if (!token || !section) return;
    for (const button of section.querySelectorAll("button.action")) {
      button.disabled = false;
      button.addEventListener("click", () => act(button));
    }
  }

  function apply(data) {
    const section = sectionOf(data.stack);
    if (!section) return;
    section.querySelector(".summary").innerHTML = data.html;
    enableButtons(section);
    drawCharts(data);
  }

  for (const data of JSON.parse(document.getElementById("chart-data").textContent)) {
    enableButtons(sectionOf(data.stack));
    drawCharts(data);
  }
  live.textContent = "connecting…";
  const events = new EventSource("/api/events");
  events.addEventListener("stack", (event) => apply(JSON.parse(event.data)));
  events.addEventListener("pipeline", (event) => {
    const data = JSON.parse(event.data);
    const section = document.querySelector(`section.pipeline[data-pipeline="${CSS.escape(data.name)}"]`);
    if (section) section.querySelector(".summary").innerHTML = data.html;
  });
  events.addEventListener("open", () => {
    live.textContent = "live";
    live.className = "live connected";
  });
  events.addEventListener("error", () => {
    live.textContent = "disconnected: retrying…";
    live.className = "live disconnected";
  });
})();
