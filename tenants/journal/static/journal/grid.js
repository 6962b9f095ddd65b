// The journal grid: students × lessons (an attendance cell and a cell per task), typed with the
// keyboard, saved in one bulk call with the versions read (a cell someone else changed comes back
// as a conflict and is shown, not overwritten). Reads and writes only through the journal API.
(function () {
  "use strict";
  const root = document.getElementById("journal");
  if (!root) return;
  const table = root.querySelector("table.journal");
  const status = root.querySelector("[data-testid=journal-status]");
  const canWrite = root.dataset.canWrite === "1";
  const reasonInput = root.querySelector("input[name=reason]");
  let grid = null;
  const pending = new Map(); // key → change

  // codes typed in Latin letters by transliteration: N → Н, B → Б, UP → УП, NP → НП, OP → ОП
  const LATIN = { N: "Н", B: "Б", U: "У", P: "П", O: "О" };
  const NOTATION_CODES = { "осв": "exempt", "н/а": "not_attested", "безотм": "no_mark" };

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function ddmm(iso) {
    const [, m, d] = iso.split("-");
    return `${d}.${m}`;
  }

  async function load() {
    const response = await fetch(root.dataset.gridUrl, { credentials: "same-origin" });
    if (!response.ok) {
      say("Журнал не загрузился: " + response.status, true);
      return;
    }
    grid = await response.json();
    pending.clear();
    render();
  }

  function render() {
    const tasksByLesson = new Map(grid.lessons.map((l) => [l.id, []]));
    grid.tasks.forEach((t) => tasksByLesson.get(t.lesson) && tasksByLesson.get(t.lesson).push(t));
    const typeName = new Map(grid.work_types.map((w) => [w.id, w.name]));
    const marks = new Map(grid.marks.map((m) => [`m:${m.task}:${m.student}`, m]));
    const presence = new Map(grid.attendance.map((a) => [`a:${a.lesson}:${a.student}`, a]));
    const averages = new Map(grid.averages.map((a) => [a.student, a]));
    const NOTATIONS = { exempt: "осв", mastered: "осв", not_attested: "н/а", no_mark: "безотм" };
    const finalRows = new Map(grid.period_marks.map((m) => [m.student, m]));
    const finals = new Map(grid.period_marks.map((m) => [m.student,
      m.value || NOTATIONS[m.notation] || (m.deferred_until ? `перенос до ${ddmm(m.deferred_until)}` : "")]));
    const locked = grid.period.closed || grid.period.locked_for_teacher;

    table.textContent = "";
    const head = el("thead");
    const top = el("tr");
    const sub = el("tr");
    top.appendChild(el("th", { class: "student", rowspan: "2" }, "Обучающийся"));
    grid.lessons.forEach((lesson) => {
      const tasks = tasksByLesson.get(lesson.id);
      const th = el("th", { colspan: String(1 + tasks.length), title: lesson.topic || lesson.planned_topic });
      th.appendChild(el("a", { href: `/journal/lesson/${lesson.id}/` }, ddmm(lesson.date)));
      top.appendChild(th);
      sub.appendChild(el("th", { title: "Посещаемость" }, "п"));
      tasks.forEach((t) => sub.appendChild(el("th", { title: t.title || typeName.get(t.work_type) },
        (typeName.get(t.work_type) || "").slice(0, 4))));
    });
    top.appendChild(el("th", { rowspan: "2" }, "Средний"));
    top.appendChild(el("th", { rowspan: "2" }, "Прогноз"));
    top.appendChild(el("th", { rowspan: "2" }, "За период"));
    head.append(top, sub);
    const body = el("tbody");
    grid.students.forEach((student, row) => {
      const tr = el("tr", { "data-student": String(student.id) });
      tr.appendChild(el("td", { class: "student" }, student.name));
      let col = 0;
      grid.lessons.forEach((lesson) => {
        const a = presence.get(`a:${lesson.id}:${student.id}`);
        tr.appendChild(cell({ kind: "attendance", lesson: lesson.id, student: student.id,
          value: a ? a.code : "", version: a ? a.version : null, late: a && a.late,
          invalid: a && a.invalid,
          row, col: col++, locked }));
        tasksByLesson.get(lesson.id).forEach((t) => {
          const m = marks.get(`m:${t.id}:${student.id}`);
          tr.appendChild(cell({ kind: "mark", task: t.id, lesson: lesson.id, student: student.id,
            value: m ? m.value : "", version: m ? m.version : null, late: m && m.late,
            invalid: m && m.invalid,
            row, col: col++, locked }));
        });
      });
      const avg = averages.get(student.id) || {};
      tr.appendChild(el("td", { class: "avg", "data-testid": "average" }, avg.average || ""));
      tr.appendChild(el("td", { class: "avg", "data-testid": "predicted" }, avg.predicted || ""));
      const final = finalRows.get(student.id);
      const finalCell = cell({ kind: "final", student: student.id, lesson: 0,
        value: finals.get(student.id) || "", version: final ? final.version : null,
        late: final && final.late, row, col: col++, locked: grid.period.closed });
      finalCell.setAttribute("data-testid", "period-mark");
      tr.appendChild(finalCell);
      body.appendChild(tr);
    });
    table.append(head, body);
    fillSelects();
  }

  function cell(c) {
    const td = el("td");
    const input = el("input", {
      class: "cell" + (c.kind === "attendance" ? " absence" : "") + (c.late ? " late" : "")
        + (c.invalid ? " invalid" : ""),
      "data-kind": c.kind, "data-student": String(c.student), "data-lesson": String(c.lesson),
      "data-row": String(c.row), "data-col": String(c.col), maxlength: c.kind === "final" ? "6" : "3",
      "aria-label": { attendance: "Посещаемость", mark: "Отметка", final: "Отметка за период" }[c.kind],
    });
    if (c.task) input.dataset.task = String(c.task);
    if (c.invalid) input.title = "Недействительно: внесено скомпрометированной учётной записью; внесите заново";
    input.value = c.value;
    input.dataset.version = c.version === null ? "" : String(c.version);
    input.dataset.saved = c.value;
    if (!canWrite || c.locked) input.readOnly = true;
    td.appendChild(input);
    return td;
  }

  function key(input) {
    if (input.dataset.kind === "final") return `f:${input.dataset.student}`;
    return input.dataset.kind === "mark"
      ? `m:${input.dataset.task}:${input.dataset.student}`
      : `a:${input.dataset.lesson}:${input.dataset.student}`;
  }

  function normalise(input) {
    if (input.dataset.kind === "final") return input.value.trim().toLowerCase();
    let value = input.value.trim().toUpperCase();
    if (input.dataset.kind === "attendance") {
      value = value.split("").map((ch) => LATIN[ch] || ch).join("");
    }
    return value;
  }

  table.addEventListener("input", (event) => {
    const input = event.target;
    if (!input.classList.contains("cell")) return;
    input.value = normalise(input);
    input.classList.remove("error", "conflict");
    input.removeAttribute("title");
    if (input.value === input.dataset.saved) {
      pending.delete(key(input));
      input.classList.remove("dirty");
    } else {
      pending.set(key(input), input);
      input.classList.add("dirty");
    }
    say(pending.size ? `Не сохранено: ${pending.size}` : "");
  });

  function focusAt(row, col) {
    const next = table.querySelector(`input.cell[data-row="${row}"][data-col="${col}"]`);
    if (next) {
      next.focus();
      next.select();
    }
  }

  table.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!input.classList.contains("cell")) return;
    const row = Number(input.dataset.row);
    const col = Number(input.dataset.col);
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], Enter: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[event.key]) {
      event.preventDefault();
      focusAt(row + moves[event.key][0], col + moves[event.key][1]);
    }
  });

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save();
    }
  });

  async function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
      body: JSON.stringify(body),
    });
  }

  async function save() {
    if (!canWrite || !pending.size) return;
    const reason = reasonInput ? reasonInput.value.trim() : "";
    const body = { marks: [], attendance: [] };
    const inputs = [];
    const finals = [];
    const finalInputs = [];
    pending.forEach((input) => {
      const version = input.dataset.version ? Number(input.dataset.version) : null;
      if (input.dataset.kind === "final") {
        const notation = NOTATION_CODES[input.value];
        finals.push({ student: Number(input.dataset.student), value: notation ? "" : input.value,
          notation: notation || "", version, reason });
        finalInputs.push(input);
        return;
      }
      if (input.dataset.kind === "mark") {
        body.marks.push({ task: Number(input.dataset.task), student: Number(input.dataset.student),
          value: input.value, version, reason });
        inputs.push(["marks", body.marks.length - 1, input]);
      } else {
        body.attendance.push({ lesson: Number(input.dataset.lesson), student: Number(input.dataset.student),
          code: input.value, version, reason });
        inputs.push(["attendance", body.attendance.length - 1, input]);
      }
    });
    say("Сохранение…");
    if (finals.length) {
      const query = new URLSearchParams(root.dataset.gridUrl.split("?")[1]);
      const unit = query.get("class") ? { school_class: Number(query.get("class")) }
        : { group: Number(query.get("group")) };
      const answer = await post(root.dataset.periodMarksUrl, { ...unit,
        subject: Number(query.get("subject")), period: Number(query.get("period")), marks: finals });
      if (!answer.ok) {
        const data = await answer.json();
        const fields = data.fields || {};
        finalInputs.forEach((input, index) => {
          const messages = fields[`period_marks[${index}]`];
          if (messages) {
            input.classList.add("error");
            input.title = messages.join(" ");
          }
        });
        say("Отметки за период не сохранены: " + Object.values(fields).flat().slice(0, 2).join(" "), true);
        return;
      }
      finalInputs.forEach((input) => pending.delete(key(input)));
      if (!body.marks.length && !body.attendance.length) {
        await load();
        say(`Сохранено отметок за период: ${finals.length}`);
        return;
      }
    }
    const response = await post(root.dataset.saveUrl, body);
    const data = await response.json();
    if (response.status === 400 && data.fields) {
      inputs.forEach(([kind, index, input]) => {
        const messages = Object.entries(data.fields)
          .filter(([field]) => field === `${kind}[${index}]` || field.startsWith(`${kind}[${index}].`))
          .map(([, list]) => list.join(" "));
        if (messages.length) {
          input.classList.add("error");
          input.title = messages.join(" ");
        }
      });
      say("Не сохранено: " + Object.values(data.fields).flat().slice(0, 3).join(" "), true);
      return;
    }
    if (!response.ok) {
      say(data.detail || `Ошибка ${response.status}`, true);
      return;
    }
    const conflicts = data.conflicts || [];
    await load();
    conflicts.forEach((c) => {
      const selector = c.kind === "mark"
        ? `input.cell[data-task="${c.key.task}"][data-student="${c.key.student}"]`
        : `input.cell[data-kind="attendance"][data-lesson="${c.key.lesson}"][data-student="${c.key.student}"]`;
      const input = table.querySelector(selector);
      if (input) {
        input.classList.add("conflict");
        input.title = "Изменено другим пользователем, ваше значение не сохранено";
      }
    });
    say(`Сохранено: ${data.saved}` + (conflicts.length ? `; изменено другими, не перезаписано: ${conflicts.length}` : ""),
      conflicts.length > 0);
  }

  function fillSelects() {
    const lessonSelect = root.querySelector("select[name=add-lesson]");
    const typeSelect = root.querySelector("select[name=add-work-type]");
    if (!lessonSelect || lessonSelect.options.length) return;
    grid.lessons.forEach((l) => lessonSelect.appendChild(el("option", { value: String(l.id) }, ddmm(l.date))));
    grid.work_types.forEach((w) => typeSelect.appendChild(el("option", { value: String(w.id) }, w.name)));
  }

  root.addEventListener("click", async (event) => {
    const action = event.target.dataset && event.target.dataset.action;
    if (action === "save") save();
    if (action === "add-task") {
      if (pending.size) {
        say("Сначала сохраните внесённое.", true);
        return;
      }
      const lesson = Number(root.querySelector("select[name=add-lesson]").value);
      const workType = Number(root.querySelector("select[name=add-work-type]").value);
      const response = await post(root.dataset.tasksUrl, { lesson, work_type: workType });
      if (response.ok) {
        await load();
        say("Столбец добавлен.");
      } else {
        const data = await response.json();
        say(data.detail || "Столбец не добавлен.", true);
      }
    }
  });

  load();
})();
