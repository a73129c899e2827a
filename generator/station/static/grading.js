// 评定: once a grade is chosen its reason is required, as the loader will say. The page works without it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const grade = document.getElementById("grade");
  const reason = document.getElementById("reason");
  if (!grade || !reason) return;
  const follow = () => { reason.required = grade.value !== ""; };
  grade.addEventListener("change", follow);
  follow();
});
