// マイページアカウント作成, in the browser only:
// - the three 認証コード boxes: full-width → half-width (NFKC), typing moves to the next box,
//   a whole code pasted (with or without hyphens or spaces) fills all three, Backspace in an
//   empty box goes back. The code reaches the server only with the form, on 次へ.
// - 戻る from 入力内容の確認 re-creates the form: the boxes get their values back from this
//   tab's memory (never from the server, which does not send the code to the browser).
// - after a failed 次へ (or 登録する) the error summary takes the focus; its links focus their field.
//   Only then: errors that arrive with the page's first state (a reload, a reopened form) must not
//   pull the caret out of a box someone is already typing in.
(function () {
  if (window.__mypageRegister) return;
  window.__mypageRegister = true;

  var SIZE = 4;
  var SEPARATORS = /[\s\-‐‑–—―−－ー]/g;
  var memory = null;
  var answerAwaited = false;
  var restored = new WeakSet();

  function clean(value) {
    return (value || "").normalize("NFKC").replace(SEPARATORS, "");
  }
  function codeBox(target) {
    return target && target.closest ? target.closest("input[data-code-box]") : null;
  }
  function boxesOf(box) {
    var group = box.closest("[data-code-boxes]");
    return group ? Array.prototype.slice.call(group.querySelectorAll("input[data-code-box]")) : [box];
  }
  function remember(boxes) {
    memory = boxes.map(function (b) { return b.value; });
  }
  // Spread text over the boxes from the given one on; focus where typing continues.
  function spread(boxes, start, text) {
    var i = start;
    for (; i < boxes.length && text; i++) {
      boxes[i].value = text.slice(0, SIZE);
      text = text.slice(SIZE);
    }
    var last = boxes[Math.min(i, boxes.length - 1)];
    var next = boxes.find(function (b, j) { return j >= start && b.value.length < SIZE; }) || last;
    next.focus();
    next.setSelectionRange(next.value.length, next.value.length);
  }

  document.addEventListener("paste", function (event) {
    var box = codeBox(event.target);
    if (!box) return;
    var text = clean((event.clipboardData || window.clipboardData).getData("text"));
    if (!text) return;
    event.preventDefault();
    var boxes = boxesOf(box);
    spread(boxes, boxes.indexOf(box), text);
    remember(boxes);
  });

  function onInput(event) {
    var box = codeBox(event.target);
    if (!box || event.isComposing) return;
    var boxes = boxesOf(box);
    var index = boxes.indexOf(box);
    var value = clean(box.value);
    if (value.length > SIZE) {
      spread(boxes, index, value);
    } else {
      if (value !== box.value) box.value = value;
      var typed = !event.inputType || event.inputType.indexOf("insert") === 0;
      if (typed && value.length === SIZE && index < boxes.length - 1) {
        boxes[index + 1].focus();
        boxes[index + 1].select();
      }
    }
    remember(boxes);
  }
  document.addEventListener("input", onInput);
  document.addEventListener("compositionend", onInput);

  document.addEventListener("keydown", function (event) {
    var box = codeBox(event.target);
    if (!box || event.key !== "Backspace" || box.value) return;
    var boxes = boxesOf(box);
    var index = boxes.indexOf(box);
    if (index > 0) {
      event.preventDefault();
      var previous = boxes[index - 1];
      previous.focus();
      previous.value = previous.value.slice(0, -1);
      remember(boxes);
    }
  });

  document.addEventListener("submit", function () { answerAwaited = true; }, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("button")) answerAwaited = true;
  }, true);
  document.addEventListener("input", function () { answerAwaited = false; }, true);

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-focus-field]") : null;
    if (!link) return;
    var field = document.getElementById(link.getAttribute("data-focus-field"));
    if (field) {
      event.preventDefault();
      field.focus();
    }
  });

  function update(records) {
    if (document.querySelector("[data-forget-code]")) memory = null;
    var group = document.querySelector("[data-code-boxes]");
    if (group && !restored.has(group)) {
      restored.add(group);
      var boxes = boxesOf(group.querySelector("input[data-code-box]"));
      var empty = boxes.every(function (b) { return !b.value; });
      if (memory && empty) boxes.forEach(function (b, i) { b.value = memory[i] || ""; });
    }
    (records || []).forEach(function (record) {
      var summary = record.target;
      if (record.type === "attributes" && summary.id === "error-summary" && summary.querySelector("li") && answerAwaited) {
        answerAwaited = false;
        summary.focus();
      }
    });
  }
  new MutationObserver(update).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-attempt"],
  });
  update();
})();
