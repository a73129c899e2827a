// 工作方案正文: refresh the 通知's preview when the clerk stops typing, and find a problem's line.
// Without this script the 预览 button posts the form and the page comes back with the preview.
"use strict";

const PAUSE_MS = 1200;

function lineRange(text, line) {
  const lines = text.split("\n");
  const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
  return [start, start + (lines[line - 1] || "").length, lines.length];
}

function selectLine(area, line) {
  const [start, end, count] = lineRange(area.value, line);
  area.focus();
  area.setSelectionRange(start, end);
  area.scrollTop = Math.max(0, (area.scrollHeight / count) * (line - 3));
}

function problemItem(problem) {
  const item = document.createElement("li");
  if (problem.line) {
    const link = document.createElement("button");
    link.type = "button";
    link.className = "line-link";
    link.dataset.line = problem.line;
    link.textContent = `第 ${problem.line} 行`;
    item.append(link, ` ${problem.message}`);
  } else {
    item.textContent = problem.text;
  }
  return item;
}

function showPreview(pages, state, result) {
  pages.replaceChildren();
  if (result.problems.length) {
    const list = document.createElement("ul");
    list.className = "problems";
    list.id = "preview-problems";
    list.append(...result.problems.map(problemItem));
    pages.append(list);
    state.textContent = "草稿有问题，未生成预览 / the draft has problems";
    return;
  }
  result.pages.forEach((source, index) => {
    const image = document.createElement("img");
    image.src = source;
    image.alt = `第 ${index + 1} 页`;
    pages.append(image);
  });
  state.textContent = `预览：${result.pages.length + result.more_pages} 页`;
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("notice-form");
  if (!form) return;
  const area = document.getElementById("notice-text");
  const pages = document.getElementById("preview-pages");
  const state = document.getElementById("preview-state");
  const token = form.querySelector("input[name=csrf]").value;
  let timer = null;
  let running = false;
  let again = false;

  const refresh = async () => {
    if (running) { again = true; return; }
    running = true;
    state.textContent = "正在生成预览… / rendering";
    try {
      const body = new FormData();
      body.append("notice", area.value);
      const response = await fetch(form.dataset.preview, {
        method: "POST", body, headers: { "X-CSRF-Token": token, Accept: "application/json" },
      });
      const result = await response.json().catch(() => ({}));
      if (response.ok) showPreview(pages, state, result);
      else state.textContent = result.message || `预览失败 / preview failed (${response.status})`;
    } catch (error) {
      state.textContent = "预览失败 / preview failed";
    }
    running = false;
    if (again) { again = false; refresh(); }
  };

  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, PAUSE_MS);
  });
  document.getElementById("preview-button").addEventListener("click", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    refresh();
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".line-link");
    if (link) selectLine(area, Number(link.dataset.line));
  });
  if (!pages.children.length) refresh();
});
