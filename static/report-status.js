// Shows the progress of report builds without reloading the page: each row still in
// progress names its JSON status URL; this polls it, updates the row and announces the
// change in the page's live region. Without scripts, the row's "Check again" link works.
(function () {
  "use strict";
  var INTERVAL = 3000;
  var announcer = document.getElementById("build-announcer");

  function announce(text) {
    if (announcer) {
      announcer.textContent = text;
    }
  }

  function link(href, text) {
    var item = document.createElement("li");
    var anchor = document.createElement("a");
    anchor.className = "govuk-link";
    anchor.href = href;
    anchor.textContent = text;
    item.appendChild(anchor);
    return item;
  }

  function show(row, build) {
    var cell = row.querySelector("[data-build-status]");
    var files = row.querySelector("[data-build-files]");
    var colours = { queued: "grey", running: "blue", done: "green", failed: "red" };
    var tag = document.createElement("strong");
    tag.className = "govuk-tag govuk-tag--" + (colours[build.status] || "grey");
    tag.textContent = build.label;
    cell.replaceChildren(tag);
    if (build.status === "failed") {
      var error = document.createElement("p");
      error.className = "govuk-body-s govuk-!-margin-top-1";
      error.textContent = build.error + " Reload this page to try again.";
      cell.appendChild(error);
    }
    if (build.status === "done" && files) {
      var list = document.createElement("ul");
      list.className = "govuk-list govuk-!-margin-bottom-0";
      list.appendChild(link(build.pdf_url, "PDF"));
      list.appendChild(link(build.html_url, "Web page"));
      files.replaceChildren(list);
    }
  }

  function watch(row) {
    var url = row.getAttribute("data-status-url");
    var last = null;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (build) {
          if (build.status !== last) {
            if (last !== null || build.finished) {
              show(row, build);
              var what = build.description + ": " + build.label.toLowerCase() + ".";
              if (build.status === "done") {
                what += " The PDF and the web page are ready to download.";
              } else if (build.status === "failed") {
                what += " " + build.error;
              }
              announce(what);
            }
            last = build.status;
          }
          if (!build.finished) {
            window.setTimeout(poll, INTERVAL);
          }
        })
        .catch(function () {
          // Keep the "Check again" link; try once more a little later.
          window.setTimeout(poll, INTERVAL * 5);
        });
    }
    window.setTimeout(poll, INTERVAL);
  }

  var rows = document.querySelectorAll("[data-status-url]");
  for (var i = 0; i < rows.length; i++) {
    watch(rows[i]);
  }
})();
