// Little script: a running job's progress, and confirmations. Every page works without it.
"use strict";

function followJob(box) {
  const bar = box.querySelector("progress");
  const log = box.querySelector("pre.log");
  const state = box.querySelector(".state");
  const tick = async () => {
    const response = await fetch(box.dataset.job, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const job = await response.json();
    if (bar && job.progress > 0) bar.value = job.progress / 10;
    if (log) { log.textContent = job.log; log.scrollTop = log.scrollHeight; }
    if (state) state.textContent = job.state_name;
    if (job.state === "running") setTimeout(tick, 700);
    else window.location.reload();
  };
  setTimeout(tick, 500);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-job]").forEach((box) => {
    if (box.dataset.running === "1") followJob(box);
  });
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
