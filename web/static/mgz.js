// Progressive enhancement only: every page works without this file.
// After a refused form, move focus to the error summary so keyboard and screen-reader users
// hear what to mend first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("foutoverzicht");
  if (summary) { summary.focus(); }
});
