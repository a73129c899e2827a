// 扫描: one key per decision on a page in review. Each key clicks the button or follows the link
// marked with it (data-key), so the page works the same without this script.
"use strict";

const ALIASES = { ArrowRight: "n", ArrowLeft: "p" };

function typing(target) {
  return target.closest("input, textarea, select, button, a, [contenteditable]") !== null;
}

document.addEventListener("DOMContentLoaded", () => {
  const marked = new Map();
  document.querySelectorAll("[data-key]").forEach((element) => {
    marked.set(element.dataset.key.toLowerCase(), element);
  });
  if (marked.size === 0) return;
  let sent = false;
  document.addEventListener("keydown", (event) => {
    if (sent || event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    const key = ALIASES[event.key] || event.key;
    const element = marked.get(key.toLowerCase());
    if (!element) return;
    event.preventDefault();
    sent = true;
    element.click();
  });
});
