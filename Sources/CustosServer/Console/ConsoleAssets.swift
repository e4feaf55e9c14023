/// The console's stylesheet and its one small script, served from the binary (no build step, no library).
enum ConsoleAssets {
    static let css = """
        :root { --fg: #1b1f24; --muted: #5a6370; --line: #d0d7de; --accent: #0b5cad; --bad: #a40e26; --ok: #116329;
          --bg: #fff; --soft: #f6f8fa; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
        body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.45; }
        .skip { position: absolute; left: -999px; top: 0; background: var(--accent); color: #fff; padding: .5em 1em; }
        .skip:focus { left: 0; z-index: 10; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: 1em; padding: .5em 1.5em;
          border-bottom: 1px solid var(--line); background: var(--soft); }
        .brand { font-weight: 700; }
        nav ul { display: flex; flex-wrap: wrap; gap: .25em 1em; list-style: none; margin: 0; padding: 0; }
        nav a[aria-current="page"] { font-weight: 700; text-decoration: underline; }
        .signout { margin-left: auto; display: flex; gap: .5em; align-items: center; }
        .who { color: var(--muted); }
        main { padding: 1em 1.5em; max-width: 80em; }
        main:focus { outline: none; }
        h1 { font-size: 1.5em; margin: .2em 0 .6em; }
        h2 { font-size: 1.15em; margin: 1.2em 0 .4em; }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible {
          outline: 3px solid #f5a623; outline-offset: 2px; }
        table { border-collapse: collapse; width: 100%; font-size: .92em; }
        th, td { text-align: left; padding: .3em .5em; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: var(--soft); }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.denied td { color: var(--bad); }
        .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(22em, 1fr)); gap: 1.5em; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
        .facts dt { color: var(--muted); }
        .facts dd { margin: 0; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: .5em 1em; background: var(--soft); }
        .narrow { max-width: 24em; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(14em, 1fr)); gap: 0 1em; }
        label { display: block; font-weight: 600; font-size: .9em; }
        .inline label { display: inline; }
        input, select, button { font: inherit; padding: .3em .5em; }
        button { background: var(--accent); color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
        .error { color: var(--bad); font-weight: 600; }
        .good { color: var(--ok); font-weight: 600; }
        .bad { color: var(--bad); font-weight: 600; }
        .note { color: var(--muted); font-size: .9em; }
        .chart { width: 100%; max-width: 60em; height: auto; }
        .chart .bar { fill: var(--accent); }
        .chart .axis { stroke: var(--muted); }
        .chart .tick { font-size: 10px; fill: var(--muted); }
        .chart .peer-band { fill: var(--soft); stroke: var(--line); stroke-width: .5; }
        .chart .peer-median { fill: none; stroke: var(--muted); stroke-width: 2; }
        .chart .baseline { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 6 4; }
        pre { background: var(--soft); padding: .75em; overflow-x: auto; font-size: .85em; white-space: pre-wrap;
          word-break: break-all; }
        .timeline li { margin: .2em 0; }
        footer { padding: 1em 1.5em; color: var(--muted); font-size: .85em; border-top: 1px solid var(--line); }
        @media print {
          header, footer, .skip, .noprint, form, button { display: none !important; }
          main { max-width: none; padding: 0; }
          a { color: inherit; text-decoration: none; }
          table { font-size: 9pt; }
          th { background: none; }
          tr { break-inside: avoid; }
          .chart .bar { fill: #555; }
        }
        """

    static let javascript = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          document.querySelectorAll("[data-print]").forEach(function (b) {
            b.addEventListener("click", function () { window.print(); });
          });
          var status = document.getElementById("verify-status");
          var form = document.getElementById("verify-form");
          if (!status || !form) { return; }
          function poll() {
            fetch(status.dataset.statusUrl, { credentials: "same-origin" })
              .then(function (r) { return r.json(); })
              .then(function (s) {
                status.textContent = s.message;
                if (s.state === "running") { setTimeout(poll, 500); }
              })
              .catch(function () { status.textContent = "Could not read the verification status."; });
          }
          form.addEventListener("submit", function (e) {
            e.preventDefault();
            fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)),
              credentials: "same-origin" })
              .then(function () { poll(); });
          });
          if (status.dataset.running === "true") { poll(); }
        });
        """
}
