/*
 * Draws a Switchyard rollout timeline with Chart.js (loaded before this file, as the global
 * `Chart`): the steps over time, the canary's share of traffic, and each metric's measurements
 * with its threshold(s) as dashed lines. The HTML report and the dashboard both load this file
 * as it is (no build step), so it assumes nothing about the page beyond the element it is given.
 *
 *   SwitchyardTimeline.draw(element, timeline)    empties `element` and draws the charts in it
 *   SwitchyardTimeline.update(element, timeline)  redraws in place (live pages); draws afresh when
 *                                                 the timeline gained a step, metric or rollback
 *   SwitchyardTimeline.charts(element)            the Chart instances drawn there
 *   SwitchyardTimeline.destroy(element)           releases them
 *
 * `timeline` is the JSON of automation/report/timeline.ts (snake_case keys). The charts follow the
 * Markdown report's Mermaid charts (automation/report/render-mermaid.ts): steps not begun are drawn
 * after the running one while the rollout goes on and left out once it has ended; a failed step
 * lasts until the rollback began. Text from the timeline only ever reaches the page as
 * textContent or canvas text, never as HTML.
 */
(function (root) {
  "use strict";

  var STATE = "__switchyardTimeline";
  var COLORS = {
    done: "#2da44e",
    failed: "#cf222e",
    paused: "#bf8700",
    running: "#0969da",
    pending: "#afb8c1",
    rollback: "#cf222e",
    restored: "#8250df",
    value: "#0969da",
    threshold: "#cf222e",
  };
  var RUNNING = { shifting: true, baking: true, analysing: true };
  var MIN_BAR_SECONDS = 1;

  function chartClass() {
    var Chart = root.Chart;
    if (typeof Chart !== "function") throw new Error("SwitchyardTimeline needs Chart.js 4 loaded first (the global Chart)");
    return Chart;
  }

  function finished(t) {
    return t.status === "succeeded" || t.status === "rolled-back" || t.status === "failed";
  }

  function outcomeColor(outcome) {
    if (RUNNING[outcome]) return COLORS.running;
    return COLORS[outcome] || COLORS.pending;
  }

  function stepLabel(t, step) {
    var kind = step.kind === "shift" ? "" : " " + step.kind;
    return "step " + step.index + kind + " - " + step.weight + "% on " + t.canary_slot + (step.analysis ? " - " + step.analysis : "");
  }

  /** Bars of the steps chart: [{ label, start, end, color, outcome }], in order. */
  function stepBars(t) {
    var bars = [];
    var cursor = 0;
    (t.steps || []).forEach(function (step) {
      var start;
      var end;
      if (step.start === undefined || step.start === null) {
        if (finished(t)) return;
        start = cursor;
        end = cursor + step.bake_seconds;
      } else {
        start = step.start;
        end = step.end !== undefined && step.end !== null ? step.end : step.outcome === "failed" && t.rollback ? t.rollback.start : t.duration_seconds;
      }
      end = Math.max(end, start + MIN_BAR_SECONDS);
      cursor = Math.max(cursor, end);
      bars.push({ label: stepLabel(t, step), start: start, end: end, color: outcomeColor(step.outcome), outcome: step.outcome });
    });
    if (t.rollback) {
      var restored = t.rollback.restored;
      var back = restored === undefined || restored === null ? t.duration_seconds : restored;
      bars.push({ label: "rollback: traffic back to " + t.stable_slot, start: t.rollback.start, end: Math.max(back, t.rollback.start + MIN_BAR_SECONDS), color: COLORS.rollback, outcome: "rollback" });
      if (restored !== undefined && restored !== null && t.duration_seconds > restored) {
        bars.push({ label: "rollback: prior release applied again", start: restored, end: t.duration_seconds, color: COLORS.restored, outcome: "rollback" });
      }
    }
    return bars;
  }

  /** The canary's share as points where it changed, held to the end (drawn stepped). */
  function trafficPoints(t) {
    var points = (t.weights || []).map(function (w) {
      return { x: w.seconds, y: w.canary };
    });
    if (!points.length) points.push({ x: 0, y: 0 });
    var last = points[points.length - 1];
    if (last.x < t.duration_seconds) points.push({ x: t.duration_seconds, y: last.y });
    return points;
  }

  function valued(series) {
    return (series.points || []).filter(function (p) {
      return typeof p.value === "number" && isFinite(p.value);
    });
  }

  function thresholdText(threshold) {
    if (!threshold) return "no threshold";
    var parts = [];
    if (typeof threshold.min === "number") parts.push("min " + threshold.min);
    if (typeof threshold.max === "number") parts.push("max " + threshold.max);
    return parts.join(", ");
  }

  function axis(title, extra) {
    var scale = { type: "linear", title: { display: true, text: title } };
    for (var key in extra) scale[key] = extra[key];
    return scale;
  }

  function baseOptions(t, yAxis, legend) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: legend } },
      scales: { x: axis("seconds since start", { min: 0, max: Math.max(t.duration_seconds, 1) }), y: yAxis },
    };
  }

  function stepsChart(t) {
    var bars = stepBars(t);
    var options = baseOptions(t, { type: "category", ticks: { autoSkip: false } }, false);
    options.indexAxis = "y";
    options.plugins.tooltip = {
      callbacks: {
        label: function (item) {
          var bar = bars[item.dataIndex];
          return bar.outcome + ": " + bar.start + " s to " + bar.end + " s";
        },
      },
    };
    return {
      key: "steps",
      title: (t.kind === "rollback" ? "Rollback " : "Rollout ") + t.id + " (" + t.strategy + "), " + t.stable_version + " on " + t.stable_slot + " to " + t.canary_version + " on " + t.canary_slot + ": " + t.status,
      height: 60 + 28 * Math.max(bars.length, 1),
      config: {
        type: "bar",
        data: {
          labels: bars.map(function (b) {
            return b.label;
          }),
          datasets: [
            {
              label: "steps",
              data: bars.map(function (b) {
                return [b.start, b.end];
              }),
              backgroundColor: bars.map(function (b) {
                return b.color;
              }),
              borderSkipped: false,
              barPercentage: 0.8,
            },
          ],
        },
        options: options,
      },
    };
  }

  function trafficChart(t) {
    return {
      key: "traffic",
      title: "Share of traffic on " + t.canary_slot + " (" + t.canary_version + "), percent",
      height: 220,
      config: {
        type: "line",
        data: { datasets: [{ label: "% on " + t.canary_slot, data: trafficPoints(t), stepped: "before", borderColor: COLORS.value, backgroundColor: COLORS.value, pointRadius: 3 }] },
        options: baseOptions(t, axis("% on " + t.canary_slot, { min: 0, max: 100 }), false),
      },
    };
  }

  function metricChart(t, series) {
    var points = valued(series);
    var end = Math.max(t.duration_seconds, 1);
    var datasets = [
      {
        label: series.name,
        data: points.map(function (p) {
          return { x: p.seconds, y: p.value };
        }),
        borderColor: COLORS.value,
        backgroundColor: points.map(function (p) {
          return p.phase === "Successful" ? COLORS.value : COLORS.failed;
        }),
        pointRadius: 4,
      },
    ];
    var threshold = series.threshold || {};
    ["max", "min"].forEach(function (bound) {
      if (typeof threshold[bound] !== "number") return;
      datasets.push({ label: bound + " " + threshold[bound], data: [{ x: 0, y: threshold[bound] }, { x: end, y: threshold[bound] }], borderColor: COLORS.threshold, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, fill: false });
    });
    return {
      key: "metric:" + series.name,
      title: series.name + ": measured values; " + thresholdText(series.threshold),
      height: 220,
      config: { type: "line", data: { datasets: datasets }, options: baseOptions(t, axis(series.name, {}), true) },
    };
  }

  /** Every chart of a timeline, in the Markdown report's order, and the metrics with no value to draw. */
  function specsOf(t) {
    var specs = [stepsChart(t), trafficChart(t)];
    var notes = [];
    (t.metrics || []).forEach(function (series) {
      if (valued(series).length) specs.push(metricChart(t, series));
      else notes.push({ name: series.name, text: series.name + ": no values to draw (pass or fail only), " + (series.points || []).length + " measurements" });
    });
    return { specs: specs, notes: notes };
  }

  function shapeOf(t, built) {
    return built.specs
      .map(function (s) {
        return s.key + "/" + s.config.data.datasets.length + "/" + (s.config.data.labels || []).length;
      })
      .concat(
        built.notes.map(function (n) {
          return "note:" + n.name;
        }),
      )
      .join("|");
  }

  function destroy(element) {
    var state = element[STATE];
    if (state)
      state.charts.forEach(function (c) {
        c.chart.destroy();
      });
    element[STATE] = undefined;
    while (element.firstChild) element.removeChild(element.firstChild);
  }

  function draw(element, timeline) {
    var Chart = chartClass();
    destroy(element);
    var doc = element.ownerDocument;
    var built = specsOf(timeline);
    var state = { shape: shapeOf(timeline, built), charts: [] };
    built.specs.forEach(function (spec) {
      var figure = doc.createElement("figure");
      figure.className = "sy-chart";
      figure.setAttribute("data-chart", spec.key);
      var caption = doc.createElement("figcaption");
      caption.textContent = spec.title;
      var box = doc.createElement("div");
      box.style.position = "relative";
      box.style.height = spec.height + "px";
      var canvas = doc.createElement("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", spec.title);
      box.appendChild(canvas);
      figure.appendChild(caption);
      figure.appendChild(box);
      element.appendChild(figure);
      state.charts.push({ key: spec.key, caption: caption, box: box, chart: new Chart(canvas, spec.config) });
    });
    state.notes = built.notes.map(function (note) {
      var p = doc.createElement("p");
      p.className = "sy-chart-note";
      p.textContent = note.text;
      element.appendChild(p);
      return p;
    });
    element[STATE] = state;
    return charts(element);
  }

  function update(element, timeline) {
    var state = element[STATE];
    var built = specsOf(timeline);
    if (!state || state.shape !== shapeOf(timeline, built)) return draw(element, timeline);
    built.specs.forEach(function (spec, i) {
      var drawn = state.charts[i];
      drawn.caption.textContent = spec.title;
      drawn.chart.canvas.setAttribute("aria-label", spec.title);
      drawn.box.style.height = spec.height + "px";
      drawn.chart.data = spec.config.data;
      drawn.chart.options = spec.config.options;
      drawn.chart.update("none");
    });
    built.notes.forEach(function (note, i) {
      state.notes[i].textContent = note.text;
    });
    return charts(element);
  }

  function charts(element) {
    var state = element[STATE];
    return state
      ? state.charts.map(function (c) {
          return c.chart;
        })
      : [];
  }

  root.SwitchyardTimeline = { draw: draw, update: update, charts: charts, destroy: destroy, stepBars: stepBars, trafficPoints: trafficPoints };
})(typeof window !== "undefined" ? window : globalThis);
