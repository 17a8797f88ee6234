/** The bench's PNG chart: p99 latency and server CPU against players (Chart.js on @napi-rs/canvas). */
import { createCanvas } from "@napi-rs/canvas";
import { Chart, registerables, type ChartConfiguration, type PointStyle } from "chart.js";
import type { Scenario, Target } from "./plan";

/** What the chart reads of a step (a StepResult has it). */
export interface ChartStep {
  scenario: Scenario;
  target: Target;
  players: number;
  serverCpuPercent: number | null;
}

Chart.register(...registerables);

/** One colour per scenario and server: a run of one step draws each series as a single marker, so colour and marker tell them apart. */
const COLORS: Record<Scenario, Record<Target, string>> = {
  arena: { colyseus: "#d62728", interest: "#ff7f0e", baseline: "#8c564b" },
  rooms: { colyseus: "#1f77b4", interest: "#17becf", baseline: "#393b79" },
  chat: { colyseus: "#2ca02c", interest: "#bcbd22", baseline: "#637939" },
  soak: { colyseus: "#9467bd", interest: "#e377c2", baseline: "#7b4173" },
};
/** Marker and line style per server: ours a solid line with circles, interest on dotted with triangles, the baseline dashed with squares. */
const STYLE: Record<Target, { dash: number[]; point: PointStyle }> = {
  colyseus: { dash: [], point: "circle" },
  interest: { dash: [2, 3], point: "triangle" },
  baseline: { dash: [6, 4], point: "rect" },
};
/** Markers large enough to see and to tell a circle from a square at 700 px. */
const POINT_RADIUS_PX = 6;

export function chartConfig<S extends ChartStep>(results: { steps: readonly S[] }, title: string, yTitle: string, value: (r: S) => number | null): ChartConfiguration<"line"> {
  const datasets = [];
  for (const scenario of Object.keys(COLORS) as Scenario[]) {
    for (const target of Object.keys(STYLE) as Target[]) {
      const steps = results.steps.filter((r) => r.scenario === scenario && r.target === target);
      const data = steps.map((r) => ({ x: r.players, y: value(r) })).filter((p): p is { x: number; y: number } => p.y !== null);
      if (data.length === 0) continue;
      const color = COLORS[scenario][target];
      datasets.push({
        label: `${scenario} (${target})`,
        data,
        borderColor: color,
        backgroundColor: color,
        borderDash: STYLE[target].dash,
        borderWidth: 2,
        pointStyle: STYLE[target].point,
        pointRadius: POINT_RADIUS_PX,
      });
    }
  }
  // Room around the outermost steps, so markers at the edges are drawn whole.
  const players = results.steps.map((r) => r.players);
  const xMin = players.length ? Math.floor(Math.min(...players) * 0.9) : undefined;
  const xMax = players.length ? Math.ceil(Math.round(Math.max(...players) * 1.1)) : undefined;
  return {
    type: "line",
    data: { datasets },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      plugins: { title: { display: true, text: title }, legend: { labels: { usePointStyle: true } } },
      scales: {
        x: { type: "linear", min: xMin, max: xMax, title: { display: true, text: "players" } },
        y: { type: "linear", beginAtZero: true, grace: "10%", title: { display: true, text: yTitle } },
      },
    },
  };
}

/** Two charts side by side: p99 latency and server CPU against players. */
export function chartPng<S extends ChartStep>(results: { steps: readonly S[] }, latency: (r: S) => number | null): Buffer {
  const width = 700;
  const height = 420;
  const canvas = createCanvas(width * 2, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, width * 2, height);
  const panels = [
    chartConfig(results, "p99 latency (battle: input→ack, chat: send→receive)", "ms", latency),
    chartConfig(results, "server CPU (circles: ours, triangles: interest on, squares: raw ws baseline)", "% of one core", (r) => r.serverCpuPercent),
  ];
  panels.forEach((config, i) => {
    const panel = createCanvas(width, height);
    // Chart.js only needs a 2D context; @napi-rs/canvas provides one without a browser.
    const chart = new Chart(panel.getContext("2d") as unknown as CanvasRenderingContext2D, config);
    chart.draw();
    ctx.drawImage(panel, i * width, 0);
    chart.destroy();
  });
  return canvas.toBuffer("image/png");
}
