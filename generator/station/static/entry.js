// 录入: check a sheet's fields as they are typed, keep the keyboard flow, fill a decision from a
// reading. The server checks everything again; every form works without this script.
"use strict";

const SERIAL = /^[0-9A-Z]{4}-?[0-9A-Z]{4}$/;

function normalised(text) {
  return text.normalize("NFKC").trim();
}

function say(field, message) {
  const box = document.getElementById(field.id + "-error");
  if (box) box.textContent = message;
  field.classList.toggle("invalid", message !== "");
}

function statusOf(reading) {
  const checked = reading.querySelector("input[name=status]:checked");
  return checked ? checked.value : "";
}

// Return the score's problem ("" when none): a whole number on the scale, only on a valid sheet.
function scoreProblem(reading, score) {
  const low = Number(reading.dataset.low), high = Number(reading.dataset.high);
  const typed = normalised(score.value);
  const status = statusOf(reading);
  if (status !== "valid") {
    return typed === "" ? "" : "空白票、废票不填得分 / a blank or invalid sheet has no score";
  }
  if (typed === "") return `有效票须填写得分（${low}至${high}的整数）/ a valid sheet needs a score`;
  if (!/^[0-9]+$/.test(typed) || Number(typed) < low || Number(typed) > high) {
    return `得分须为${low}至${high}的整数，现为“${typed}” / score out of range: the scale is ${low}–${high}`;
  }
  return "";
}

function checkScore(reading, quietWhenEmpty) {
  const score = reading.querySelector("input[name=score]");
  let problem = scoreProblem(reading, score);
  if (quietWhenEmpty && normalised(score.value) === "") problem = "";
  say(score, problem);
  return problem === "";
}

function followReading(reading) {
  const form = reading.closest("form");
  const score = reading.querySelector("input[name=score]");
  score.addEventListener("input", () => checkScore(reading, true));
  reading.querySelectorAll("input[name=status]").forEach((radio) => {
    radio.addEventListener("change", () => {
      if (statusOf(reading) !== "valid") score.value = "";
      checkScore(reading, true);
    });
  });
  reading.querySelectorAll("textarea").forEach((box) => {
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    });
  });
  form.addEventListener("submit", (event) => {
    if (!checkScore(reading, false)) {
      event.preventDefault();
      score.focus();
    }
  });
}

function followSerial(input) {
  input.addEventListener("input", () => {
    const typed = normalised(input.value).toUpperCase();
    const plausible = typed === "" || typed.startsWith("SZPY|") || SERIAL.test(typed.replace(/\s+/g, ""));
    say(input, plausible ? "" : "编号形如 28V6-JW48，或扫描选票上的二维码 / a serial looks like 28V6-JW48");
  });
  if (document.activeElement === input) input.select();
}

// Fill a decision form from one clerk's reading, shown in the table beside it.
function copyReading(button) {
  const form = button.closest("form");
  const table = document.getElementById(form.dataset.readings);
  if (!table) return;
  table.querySelectorAll(`td[data-entry="${button.dataset.entry}"]`).forEach((cell) => {
    const field = cell.dataset.field, value = cell.dataset.value;
    if (field === "status") {
      const radio = form.querySelector(`input[name=status][value="${value}"]`);
      if (radio) radio.checked = true;
    } else {
      form.querySelector(`[name=${field}]`).value = value;
    }
  });
  checkScore(form.querySelector(".reading"), true);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".reading").forEach(followReading);
  const serial = document.getElementById("serial");
  if (serial) followSerial(serial);
  document.querySelectorAll("button.copy-reading").forEach((button) => {
    button.addEventListener("click", () => copyReading(button));
  });
});
