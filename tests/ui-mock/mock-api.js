// In-memory stand-in for ui/api.js (every export, same names and parameters), for screenshots and
// browser tests. Ids are strings, as the Rust side sends them.
// URL switches (query string): ?first=1 first run (no data, not onboarded) · ?empty=1 onboarded, no data
// ?unnamed=1 the laptop has not been named yet (the first run asks for its name and people)
// ?latency=MS delay of every call (default 120) · ?fail=CODE make finding_set fail for that item code
// ?failall=1 make every finding_set fail.
// Switches a check can set on window before a call:
//   __mockDialogCancel = true     the next native dialog (save/open) is cancelled
//   __mockFailNext = "<command>"  the next call of that command fails with a disk error
//   __mockPickMode = "bad" | "evil" | "stranger"  every picked bundle refused / bundle text full
//                                 of markup / an unknown laptop's bundle and an untrusted owner's
//   __mockHoldImport = true       bundle_import stops half-way through the last file until
//                                 window.__mockReleaseImport() is called
//   __mockHoldExport = true       report_export stops after its first step until
//                                 window.__mockReleaseExport() is called
//   window.__mockDropFiles([names])  files dropped on the window (sends app://files-dropped)
// Events sent to the page are logged in window.__mockEvents; window.__mockListeners(name) counts
// live listeners of an event. Calls are logged in window.__mockCalls as {name, args, at, end, ok,
// error}: `name` and `args` are the command and arguments ui/api.js hands to invoke(); `at` and
// `end` are performance.now() when the call started and settled (end/ok are absent while in
// flight), so tests can assert on timing instead of sleeping. window.__mockPending counts calls in
// flight; window.__mockViolations lists overlapping saves of one record (the UI must serialise).
// Sync: 3 known computers, 3 imports, 2 conflicts (a finding of visit 17, a recommendation of
// visit 8); bundle_pick returns 2 valid files and 1 refused file; bundle_import adds a third conflict.

const params = new URLSearchParams(location.search);
const LATENCY = Number(params.get("latency") ?? 120);
const FAIL_CODE = params.get("fail");
const FAIL_ALL = params.get("failall") === "1";

window.__mockCalls = [];
window.__mockPending = 0;
window.__mockViolations = [];
const inFlight = new Set();

function clone(x) {
  return x === undefined ? undefined : JSON.parse(JSON.stringify(x));
}

function delay(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// Deterministic pseudo-random numbers.
let seed = 20231107;
function rnd() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

function hexKey(n) {
  let out = "";
  let x = n;
  while (out.length < 64) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += x.toString(16).padStart(8, "0");
  }
  return out.slice(0, 64);
}

// ---------- messages (as Rust words them) ----------

const MESSAGES = {
  vi: {
    visit_locked: "Biên bản kiểm tra tại {unit} đã ký nên không thể sửa. Muốn sửa, hãy mở khóa và ghi rõ lý do.",
    bad_bundle: "Gói dữ liệu bị từ chối: nội dung revisions.jsonl đã bị thay đổi (sai SHA-256).",
    export_io: "Không ghi được tệp vào ổ USB (ổ đầy hoặc chỉ cho phép đọc).",
    not_in_conflict: "Bản ghi này không còn xung đột.",
    bad_backup: "Không khôi phục từ \"{file}\": tệp rỗng (0 byte). Dữ liệu hiện tại không thay đổi.",
    recovery_key_exists: "Văn phòng đã có khóa khôi phục (tạo lúc {created_at}); khóa chỉ được tạo một lần. Hãy dùng tệp khóa đã cất giữ.",
    invalid_points: "Điểm của mục {code} phải từ 0 đến {max}.",
    not_found: "Không tìm thấy dữ liệu yêu cầu.",
    io: "Không ghi được vào cơ sở dữ liệu trên máy (đĩa đầy hoặc bị khóa).",
    empty_text: "Nội dung \"{field}\" không được để trống.",
    too_long: "Giá trị của \"{field}\" không hợp lệ: dài {n} ký tự, tối đa {max} ký tự",
    sign_incomplete: "Chưa thể ký biên bản: còn thiếu {missing}.",
    sign_missing_items: "{n} tiêu chí bắt buộc chưa đánh giá ({list})",
    sign_missing_and_result: "{items} và xếp loại chung",
    sign_missing_result: "xếp loại chung",
    not_signed: "Biên bản chưa ký nên không cần mở khóa.",
    attachment_type: "Không đính kèm được \"{file}\": chỉ nhận ảnh JPG, PNG, WEBP hoặc PDF.",
    bad_year: "Năm {year} không hợp lệ; năm của đợt kiểm tra phải từ 2000 đến 2100.",
    dates_reversed: "Ngày kết thúc {end} trước ngày bắt đầu {start}.",
    criteria_empty: "Bộ tiêu chí phải có ít nhất một nội dung.",
    topic_empty: "Nội dung \"{topic}\" chưa có tiêu chí nào.",
    missing_code: "\"{title}\" chưa có mã.",
    criteria_code_exists: "Đã có bộ tiêu chí mã {code}; hãy sửa bộ đó (nếu bộ đang được dùng, sẽ tạo phiên bản mới).",
    missing_title: "Mục {code} chưa có tên.",
    duplicate_code: "Mã {code} bị trùng trong bộ tiêu chí; mỗi mục cần một mã riêng.",
    max_points: "Tiêu chí {code} chấm bằng điểm nhưng chưa có điểm tối đa (lớn hơn 0).",
    points_on_pass_fail: "Tiêu chí {code} đánh giá Đạt/Chưa đạt nên không có điểm tối đa; hãy bỏ điểm tối đa hoặc chuyển sang chấm điểm.",
    criteria_code_changed: "Không đổi được mã bộ tiêu chí từ {from} sang {to}: các phiên bản của một bộ dùng chung một mã. Muốn có bộ khác, hãy tạo bộ mới.",
    two_heads: "Một đoàn chỉ có một trưởng đoàn, nhưng có {n}: {names}.",
    member_twice: "\"{name}\" có tên hai lần trong đoàn.",
    member_unnamed: "Mỗi thành viên đoàn cần họ tên hoặc mã.",
    team_name_taken: "Đợt kiểm tra đã có đoàn \"{name}\"; hãy đặt tên khác.",
    team_has_visits: "Không xóa được \"{team}\": đoàn đang được phân công {visits} buổi kiểm tra. Hãy giao các buổi đó cho đoàn khác hoặc hủy chúng trước.",
    team_elsewhere: "Đoàn \"{team}\" thuộc một đợt kiểm tra khác.",
    unit_code_taken: "Mã {code} đã dùng cho đơn vị \"{other}\".",
    unit_name_taken: "Đơn vị cấp trên đã có đơn vị \"{name}\" đang hoạt động; hãy đặt tên khác hoặc sửa đơn vị đó.",
    unit_cycle: "Không chuyển được \"{unit}\" vào \"{parent}\": \"{parent}\" là chính nó hoặc một đơn vị trực thuộc nó.",
    unit_ended: "Đơn vị \"{unit}\" đã giải thể hoặc sáp nhập (chỉ hoạt động đến {until}).",
    unit_has_children: "Chưa giải thể được \"{unit}\": còn {n} đơn vị trực thuộc đang hoạt động ({names}). Hãy chuyển các đơn vị đó sang đơn vị khác hoặc sáp nhập chúng trước.",
    nothing_to_merge: "Chưa chọn đơn vị nào để sáp nhập.",
    merge_into_itself: "Không sáp nhập được \"{unit}\" vào chính nó.",
    merge_into_descendant: "Không sáp nhập được \"{unit}\" vào \"{into}\" vì \"{into}\" trực thuộc \"{unit}\".",
    visit_exists: "\"{unit}\" đã có buổi kiểm tra trong đợt \"{campaign}\"; hãy đổi lịch buổi đó thay vì thêm buổi mới.",
    visit_started: "Không hủy được buổi kiểm tra tại \"{unit}\": buổi này đã ở trạng thái \"{status}\". Chỉ hủy được buổi còn ở kế hoạch.",
    visit_outside_campaign: "Ngày {date} của buổi kiểm tra tại \"{unit}\" nằm ngoài thời gian của đợt kiểm tra ({span}). Nếu đúng là ngày đó, hãy xác nhận kiểm tra ngoài thời gian đợt.",
    cancel_needs_reason: "Hãy ghi lý do hủy buổi kiểm tra (lý do được lưu trong lịch sử).",
    bad_import_rows: "Tệp có {n} dòng lỗi; sửa tệp hoặc chọn bỏ qua các dòng lỗi.",
    no_import_plan: "Chưa chọn tệp đơn vị nào để nhập.",
    bad_import_file: "Không đọc được tệp \"{file}\": tệp không phải bảng tính Excel (.xlsx) hay CSV.",
  },
  en: {
    visit_locked: "The minutes of the visit to {unit} are signed and cannot be changed. Unlock them, giving a reason, to edit.",
    bad_bundle: "Bundle refused: revisions.jsonl was changed (SHA-256 mismatch).",
    export_io: "Could not write the file to the USB stick (full or read-only).",
    not_in_conflict: "This record is no longer in conflict.",
    bad_backup: "Not restored from \"{file}\": the file is empty (0 bytes). The current data did not change.",
    recovery_key_exists: "The office already has a recovery key (made {created_at}); it is made once. Use the key file you kept.",
    invalid_points: "Points for item {code} must be between 0 and {max}.",
    not_found: "The requested data was not found.",
    io: "Could not write to the local database (disk full or locked).",
    empty_text: "\"{field}\" must not be empty.",
    too_long: "Invalid value for \"{field}\": {n} characters long, at most {max}",
    sign_incomplete: "The minutes cannot be signed yet: missing {missing}.",
    sign_missing_items: "{n} required item(s) not rated ({list})",
    sign_missing_and_result: "{items} and the overall result",
    sign_missing_result: "the overall result",
    not_signed: "The minutes are not signed, so there is nothing to unlock.",
    attachment_type: "Could not attach \"{file}\": only JPG, PNG or WEBP photos and PDF files are accepted.",
    bad_year: "Year {year} is not valid; a campaign's year must be between 2000 and 2100.",
    dates_reversed: "The end date {end} is before the start date {start}.",
    criteria_empty: "A criteria set needs at least one topic.",
    topic_empty: "Topic \"{topic}\" has no items yet.",
    missing_code: "\"{title}\" has no code.",
    criteria_code_exists: "A criteria set with code {code} exists; edit it instead (a new version is made if it is in use).",
    missing_title: "Item {code} has no title.",
    duplicate_code: "Code {code} is used twice in the criteria set; each entry needs its own code.",
    max_points: "Item {code} is scored in points but has no maximum (greater than 0).",
    points_on_pass_fail: "Item {code} is rated met / not met, so it has no maximum points; remove them or score it in points.",
    criteria_code_changed: "The criteria set's code cannot change from {from} to {to}: the versions of one set share a code. Create a new set instead.",
    two_heads: "A team has one head, but this one has {n}: {names}.",
    member_twice: "\"{name}\" is listed twice in the team.",
    member_unnamed: "Each team member needs a name or an id.",
    team_name_taken: "The campaign already has a team \"{name}\"; choose another name.",
    team_has_visits: "\"{team}\" cannot be deleted: it is assigned {visits} visits. Give them to another team or cancel them first.",
    team_elsewhere: "Team \"{team}\" belongs to another campaign.",
    unit_code_taken: "Code {code} is already used by \"{other}\".",
    unit_name_taken: "The parent unit already has an active unit \"{name}\"; choose another name or edit that unit.",
    unit_cycle: "\"{unit}\" cannot move into \"{parent}\": \"{parent}\" is the unit itself or one of its sub-units.",
    unit_ended: "Unit \"{unit}\" was dissolved or merged (active until {until}).",
    unit_has_children: "\"{unit}\" cannot be dissolved: {n} active sub-units remain ({names}). Move or merge them first.",
    nothing_to_merge: "No unit was chosen to merge.",
    merge_into_itself: "\"{unit}\" cannot be merged into itself.",
    merge_into_descendant: "\"{unit}\" cannot be merged into \"{into}\": \"{into}\" is one of its sub-units.",
    visit_exists: "\"{unit}\" already has a visit in \"{campaign}\"; reschedule it instead of adding another.",
    visit_started: "The visit to \"{unit}\" cannot be cancelled: it is already \"{status}\". Only planned visits can be cancelled.",
    visit_outside_campaign: "{date} for the visit to \"{unit}\" is outside the campaign's dates ({span}). If that is the day, confirm a visit outside the campaign.",
    cancel_needs_reason: "Give the reason for cancelling the visit (it is kept in the history).",
    bad_import_rows: "The file has {n} bad rows; fix the file or choose to skip them.",
    no_import_plan: "No unit file was chosen to import.",
    bad_import_file: "Could not read \"{file}\": it is not an Excel workbook (.xlsx) or a CSV file.",
  },
};
const FIELD_NAMES = { vi: { name: "tên", text: "nội dung", reason: "lý do", device_name: "tên máy", code: "mã", short_name: "tên viết tắt", level_label: "cấp" }, en: { name: "name", text: "text", reason: "reason", device_name: "device name", code: "code", short_name: "short name", level_label: "level" } };
const STATUS_LABELS = {
  vi: { planned: "Đã lên kế hoạch", in_progress: "Đang kiểm tra", completed: "Đã hoàn thành", signed: "Đã ký biên bản" },
  en: { planned: "Planned", in_progress: "In progress", completed: "Completed", signed: "Signed" },
};

// The language persists across reloads, as the real app persists it in its settings.
const savedLang = (() => {
  try {
    return sessionStorage.getItem("kiemtra-mock-lang");
  } catch {
    return null;
  }
})();

function lang() {
  return store.lang === "en" ? "en" : "vi";
}

function fail(code, vars = {}) {
  const text = MESSAGES[lang()][code] || MESSAGES.vi[code] || code;
  return { code, message: text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) };
}

function emptyText(field) {
  return { code: "invalid_input", message: fail("empty_text", { field: FIELD_NAMES[lang()][field] || field }).message };
}

function dmy(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : String(iso || "");
}

// ---------- a clock for what this laptop writes ----------
// Fixed and advancing one minute per write, so times shown after a write are known in advance:
// the first write happens at 10/11/2023 16:46 in Vietnam.
let clockMs = Date.UTC(2023, 10, 10, 9, 45, 0);
function tick() {
  clockMs += 60000;
  return clockMs;
}
/** RFC 3339 local time in Vietnam, as Rust's now_local() writes it. */
function nowLocal() {
  const d = new Date(tick() + 7 * 3600000);
  return `${d.toISOString().slice(0, 19)}+07:00`;
}
function nowHlc() {
  return `${new Date(tick()).toISOString()}#0000`;
}

const DEVICES = {
  self: { id: "dev-7f3a", name: "Laptop Ban XDĐ 03", public_key: hexKey(7), first_seen: "2023-10-30T01:12:05.331Z#0000", is_self: true },
  team1: { id: "dev-1b9e", name: "Laptop Đoàn kiểm tra số 1", public_key: hexKey(11), first_seen: "2023-11-08T10:05:12.220Z#0000", is_self: false },
  team3: { id: "dev-93d0", name: "Laptop Đoàn kiểm tra số 3", public_key: hexKey(13), first_seen: "2023-11-09T11:20:40.001Z#0000", is_self: false },
  team2: { id: "dev-c41e", name: "Laptop Đoàn kiểm tra số 2", public_key: hexKey(12), first_seen: null, is_self: false },
};

const store = {
  afterSigning: {}, // visit id → records of the signed minutes changed after signing
  lang: savedLang === "en" ? "en" : "vi",
  onboarded: params.get("first") !== "1",
  device: { id: DEVICES.self.id, name: DEVICES.self.name, public_key: DEVICES.self.public_key },
  campaigns: [], // {id, rev, name, year, theme, start_date, end_date, decision_number, issuing_body, place, criteria_set_id, report}
  units: [], // the unit directory: {id, rev, parent_id, name, short_name, code, kind, level_label, valid_from, valid_to, merged_into}
  inspectors: [], // {id, full_name, title}
  teams: [], // {id, rev, campaign_id, name, members:[{inspector_id, role}]}
  visits: [], // {id, rev, campaign_id, unit_id, team_id, date, status, criteria_set_id, report_summary, …, attendees, questions, signed_at, unlocks}
  findings: {}, // visit id → {item code → {id, rating, points, note, explanation, rev}}
  recs: [], // {id, rev, visit_id, text, raised_by, authority, status, due_date}
  attachments: [], // {id, rev, visit_id, sha256, file_name, mime, size, caption, item_code, present, is_image}
  criteria: [], // {id, rev, body:{code, name, version, topics}}
  nextId: 5000,
};

function newId(prefix) {
  return `${prefix}${store.nextId++}`;
}

// ---------- record history ----------
// Every write of the mock adds a revision here, so the history dialog shows real differences.

const histories = new Map(); // id → [{rev, generation, parents, device_id, device_name, hlc, deleted, body}]
let revCounter = 1;
function newRev(gen) {
  return `${gen}-${hexKey(1000 + revCounter++).slice(0, 32)}`;
}

/** The record's body as Rust stores it (no id, no view-only fields), or null. */
function bodyOf(id) {
  const strip = (o, extra = []) => {
    if (!o) return null;
    const b = clone(o);
    for (const k of ["id", "rev", ...extra]) delete b[k];
    return b;
  };
  const c = store.campaigns.find((x) => x.id === id);
  if (c) return strip(c);
  const u = store.units.find((x) => x.id === id);
  if (u) return strip(u);
  const tm = store.teams.find((x) => x.id === id);
  if (tm) return strip(tm);
  const v = store.visits.find((x) => x.id === id);
  if (v) return strip(v);
  const r = store.recs.find((x) => x.id === id);
  if (r) return strip(r);
  const a = store.attachments.find((x) => x.id === id);
  if (a) return strip(a, ["present", "is_image"]);
  const cs = store.criteria.find((x) => x.id === id);
  if (cs) return clone(cs.body);
  for (const [visitId, map] of Object.entries(store.findings)) {
    for (const [code, f] of Object.entries(map)) {
      if (f.id === id) return { visit_id: visitId, item_code: code, rating: f.rating ?? null, points: f.points ?? null, note: f.note ?? "", explanation: f.explanation ?? "" };
    }
  }
  return null;
}

/** Record that `id` was written on `device` (its body is read after the write). */
function logWrite(id, { device = DEVICES.self, hlc = null, deleted = false, before } = {}) {
  let list = histories.get(id);
  if (!list) {
    list = [];
    histories.set(id, list);
    // A record the seed data made without history: its creation, on the secretariat's laptop.
    if (before) list.push({ rev: newRev(1), generation: 1, parents: [], device_id: DEVICES.self.id, device_name: DEVICES.self.name, hlc: "2023-10-30T01:20:00.000Z#0000", deleted: false, body: before });
  }
  const prev = list[list.length - 1];
  const gen = prev ? prev.generation + 1 : 1;
  const body = deleted ? (prev ? prev.body : null) : bodyOf(id);
  const rev = newRev(gen);
  list.push({ rev, generation: gen, parents: prev ? [prev.rev] : [], device_id: device.id, device_name: device.name, hlc: hlc || nowHlc(), deleted, body });
  return rev;
}

/** Apply `mutate` to record `id`, logging the revision; returns the new rev. */
function write(id, mutate, opts = {}) {
  const before = bodyOf(id);
  mutate();
  return logWrite(id, { ...opts, before });
}

// ---------- the backend's latency and failures ----------

// What a forced failure (__mockFailNext) says: a disk error, or what that command meets in the field.
const FAIL_AS = {
  bundle_export: ["export_io"],
  unit_import_pick: ["bad_import_file", { file: "danh-sach-don-vi.docx" }],
};

async function call(name, args, fn) {
  const entry = { name, args: clone(args), at: performance.now() };
  window.__mockCalls.push(entry);
  window.__mockPending++;
  try {
    await delay(LATENCY); // simulated backend latency (part of the fake backend)
    if (window.__mockFailNext === name) {
      window.__mockFailNext = null;
      throw fail(...(FAIL_AS[name] || ["io"]));
    }
    const out = clone(await fn());
    entry.ok = true;
    return out === undefined ? null : out;
  } catch (err) {
    entry.ok = false;
    entry.error = err && err.code ? err.code : String(err);
    throw err;
  } finally {
    entry.end = performance.now();
    window.__mockPending--;
  }
}

/** A save of one record: two in flight at once is a UI bug (saves must be serialised). */
async function serialised(key, run) {
  if (inFlight.has(key)) window.__mockViolations.push(`concurrent saves of ${key}`);
  inFlight.add(key);
  try {
    return await run();
  } finally {
    inFlight.delete(key);
  }
}

function dialogCancelled() {
  if (!window.__mockDialogCancel) return false;
  window.__mockDialogCancel = false;
  return true;
}

// ---------- events ----------

window.__mockEvents = [];
const eventListeners = new Map(); // event name → Set(handler)
window.__mockListeners = (name = "sync://progress") => (eventListeners.get(name) || new Set()).size;

function emit(name, payload) {
  window.__mockEvents.push({ name, payload: clone(payload), at: performance.now() });
  for (const fn of [...(eventListeners.get(name) || [])]) fn(clone(payload));
}

function listen(name, handler) {
  if (!eventListeners.has(name)) eventListeners.set(name, new Set());
  eventListeners.get(name).add(handler);
  return () => eventListeners.get(name).delete(handler);
}

// ---------- criteria sets ----------

const TOPICS_2023 = [
    {
      code: "1",
      title: "Việc ban hành, thực hiện chỉ tiêu công tác năm 2023 thông qua việc thực hiện Bộ tiêu chí",
      items: [
        ["1.1", "Ban hành chỉ tiêu công tác năm 2023 bám sát Bộ tiêu chí của Tỉnh đoàn", "pass_fail", null, "Có văn bản giao chỉ tiêu; đối chiếu với Bộ tiêu chí do Ban Thường vụ Tỉnh đoàn ban hành.", true],
        ["1.2", "Giao chỉ tiêu cụ thể cho các cơ sở Đoàn trực thuộc", "pass_fail", null, "Kiểm tra văn bản phân bổ chỉ tiêu cho từng cơ sở.", true],
        ["1.3", "Tỷ lệ chỉ tiêu đạt và vượt tại thời điểm kiểm tra", "points", 10, "Mỗi 10% chỉ tiêu đạt được 1 điểm; có minh chứng kèm theo.", true],
        ["1.4", "Tổ chức tự đánh giá, xếp loại chất lượng tổ chức cơ sở Đoàn", "pass_fail", null, "", false],
        ["1.5", "Đánh giá, xếp loại đoàn viên hằng năm", "pass_fail", null, "Sổ đoàn viên có ghi kết quả xếp loại từng năm.", false],
      ],
    },
    {
      code: "2",
      title: "Công tác bồi dưỡng, kết nạp đội viên, đoàn viên",
      items: [
        ["2.1", "Tổ chức chương trình “Tiến bước lên Đoàn” cho đội viên", "pass_fail", null, "", true],
        ["2.2", "Mở lớp bồi dưỡng nhận thức về Đoàn (lớp cảm tình Đoàn)", "pass_fail", null, "Danh sách học viên, giấy chứng nhận.", true],
        ["2.3", "Hồ sơ kết nạp đúng quy định: tuổi 16–30, đơn, lý lịch, người giới thiệu sinh hoạt cùng ít nhất 3 tháng", "pass_fail", null, "Kiểm tra ngẫu nhiên 5 hồ sơ kết nạp trong năm.", true],
        ["2.4", "Số đoàn viên kết nạp so với chỉ tiêu được giao", "points", 10, "Đạt 100% chỉ tiêu: 10 điểm; dưới 50%: 0 điểm.", true],
        ["2.5", "Tổ chức lễ kết nạp trang trọng, trao thẻ đoàn viên kịp thời", "pass_fail", null, "", false],
      ],
    },
    {
      code: "3",
      title: "Lãnh đạo, chỉ đạo tổ chức Đoàn, Hội trong doanh nghiệp ngoài nhà nước",
      items: [
        ["3.1", "Thành lập mới tổ chức Đoàn, Hội trong doanh nghiệp ngoài nhà nước", "points", 5, "1 điểm cho mỗi tổ chức thành lập mới, tối đa 5 điểm.", false],
        ["3.2", "Phát triển đoàn viên, hội viên trong doanh nghiệp", "pass_fail", null, "", false],
        ["3.3", "Duy trì hoạt động của câu lạc bộ công nhân trẻ", "pass_fail", null, "", false],
      ],
    },
    {
      code: "4",
      title: "Công tác phối hợp với các cơ quan, đơn vị trên địa bàn",
      items: [
        ["4.1", "Ký kết chương trình phối hợp với nhà trường, công an, quân sự, Hội LHTN, Hội đồng Đội", "pass_fail", null, "Bản ký kết còn hiệu lực trong năm 2023.", true],
        ["4.2", "Thực hiện nguồn vốn vay ủy thác Ngân hàng Chính sách xã hội qua tổ chức Đoàn", "points", 10, "Dư nợ, tỷ lệ nợ quá hạn dưới 0,3%.", false],
        ["4.3", "Đánh giá kết quả phối hợp định kỳ 6 tháng, 1 năm", "pass_fail", null, "", false],
      ],
    },
    {
      code: "5",
      title: "Công tác đoàn vụ, đoàn phí năm 2023",
      items: [
        ["5.1", "Tỷ lệ thu đoàn phí đúng quy định", "points", 10, "2.000 đ/tháng với đoàn viên không hưởng lương, 5.000 đ/tháng với đoàn viên hưởng lương.", true],
        ["5.2", "Sổ Chi đoàn được ghi chép đầy đủ, cập nhật", "pass_fail", null, "Danh sách đoàn viên, chuyển đi – chuyển đến, thu chi đoàn phí, sinh hoạt chi đoàn.", true],
        ["5.3", "Sổ đoàn viên được quản lý, ghi nhận xét hằng năm", "pass_fail", null, "", true],
        ["5.4", "Trích nộp đoàn phí lên cấp trên đúng tỷ lệ và thời hạn", "pass_fail", null, "Mỗi cấp giữ lại 2/3, nộp lên 1/3.", true],
        ["5.5", "Hệ thống sổ sách của Đoàn cơ sở (nghị quyết, biên bản, công văn, tài chính, cán bộ)", "pass_fail", null, "", false],
      ],
    },
    {
      code: "6",
      title: "Triển khai App “Thanh niên Việt Nam” và nghiệp vụ trên Phần mềm Quản lý đoàn viên",
      items: [
        ["6.1", "Tỷ lệ đoàn viên kích hoạt tài khoản trên App “Thanh niên Việt Nam”", "points", 10, "Tỷ lệ ≥ 80%: 10 điểm.", true],
        ["6.2", "Tài khoản chi đoàn hoạt động trên Phần mềm Quản lý đoàn viên", "pass_fail", null, "", true],
        ["6.3", "Thực hiện nghiệp vụ kết nạp, chuyển sinh hoạt, trưởng thành Đoàn trên phần mềm", "pass_fail", null, "", true],
        ["6.4", "Đăng ký và đánh giá chương trình “Rèn luyện đoàn viên” trên ứng dụng", "pass_fail", null, "", false],
        ["6.5", "Tổ chức học tập, thi tìm hiểu trên ứng dụng", "pass_fail", null, "", false],
      ],
    },
    {
      code: "7",
      title: "Đăng tải ý tưởng sáng tạo trên Ngân hàng ý tưởng",
      items: [
        ["7.1", "Số ý tưởng đăng tải so với chỉ tiêu được giao", "points", 5, "", true],
        ["7.2", "Ý tưởng được áp dụng, hỗ trợ triển khai trong thực tế", "pass_fail", null, "", false],
        ["7.3", "Duy trì hòm thư ý tưởng tại các chi đoàn", "pass_fail", null, "", false],
        ["7.4", "Tuyên truyền, hướng dẫn đoàn viên sử dụng Ngân hàng ý tưởng sáng tạo thanh niên Việt Nam", "pass_fail", null, "", false],
        ["7.5", "Báo cáo định kỳ kết quả thực hiện", "pass_fail", null, "", false],
      ],
    },
].map((tp) => ({
  code: tp.code,
  title: tp.title,
  items: tp.items.map(([code, title, scale, max_points, guidance, required]) => ({ code, title, scale, max_points, guidance, required })),
}));

// Three sets: the 2021 one (used by the 2021 campaign), the 2023 one (31 items, used by the 2023
// and 2025 campaigns) and a 2025 draft nobody uses yet (saved in place).
function buildCriteria() {
  store.criteria = [
    { id: "crit-2023", rev: "2-" + hexKey(2023).slice(0, 32), body: { code: "BTC-2023", name: "Bộ tiêu chí kiểm tra công tác Đoàn năm 2023", version: 2, topics: clone(TOPICS_2023) } },
    { id: "crit-2021", rev: "1-" + hexKey(2021).slice(0, 32), body: { code: "BTC-2021", name: "Bộ tiêu chí kiểm tra công tác Đoàn năm 2021", version: 1, topics: clone(TOPICS_2023) } },
    {
      id: "crit-2025",
      rev: "1-" + hexKey(2025).slice(0, 32),
      body: {
        code: "BTC-2025",
        name: "Bộ tiêu chí kiểm tra Đoàn cơ sở sau sắp xếp đơn vị hành chính năm 2025 (dự thảo)",
        version: 1,
        topics: [
          {
            code: "1",
            title: "Kiện toàn tổ chức Đoàn sau sắp xếp",
            items: [
              { code: "1.1", title: "Kiện toàn Ban Chấp hành Đoàn xã, phường mới", scale: "pass_fail", max_points: null, guidance: "Quyết định chuẩn y Ban Chấp hành lâm thời.", required: true },
              { code: "1.2", title: "Chuyển sinh hoạt đoàn viên từ các đơn vị cũ", scale: "points", max_points: 10, guidance: "", required: true },
            ],
          },
          {
            code: "2",
            title: "Hoạt động của chi đoàn sau sắp xếp",
            items: [
              { code: "2.1", title: "Duy trì sinh hoạt chi đoàn định kỳ hằng tháng", scale: "pass_fail", max_points: null, guidance: "", required: false },
              { code: "2.2", title: "Bàn giao hồ sơ, sổ sách của Đoàn cấp huyện cũ", scale: "pass_fail", max_points: null, guidance: "Biên bản bàn giao có chữ ký hai bên.", required: true },
            ],
          },
        ],
      },
    },
  ];
}

function criteriaOf(id) {
  return store.criteria.find((c) => c.id === id) || null;
}
function itemsOf(setId) {
  const c = criteriaOf(setId);
  return c ? c.body.topics.flatMap((tp) => tp.items) : [];
}

// ---------- the unit directory ----------

const DISTRICTS = [
  ["Thành đoàn Ninh Bình", "TĐNB", "Đoàn Thanh niên Cộng sản Hồ Chí Minh phường Đông Thành, thành phố Ninh Bình"],
  ["Thành đoàn Tam Điệp", "TĐTĐ", "Đoàn xã Yên Sơn"],
  ["Huyện đoàn Nho Quan", "HĐNQ", "Đoàn xã Cúc Phương"],
  ["Huyện đoàn Gia Viễn", "HĐGV", "Đoàn Thanh niên Công ty Trách nhiệm hữu hạn Một thành viên Đầu tư và Phát triển Khu công nghiệp Gián Khẩu"],
  ["Huyện đoàn Hoa Lư", "HĐHL", "Đoàn xã Ninh Hải"],
  ["Huyện đoàn Yên Khánh", "HĐYK", "Đoàn xã Khánh Thành"],
  ["Huyện đoàn Kim Sơn", "HĐKS", "Đoàn xã Kim Đông"],
  ["Huyện đoàn Yên Mô", "HĐYM", "Đoàn xã Yên Thắng"],
  ["Đoàn Khối các cơ quan tỉnh Ninh Bình", "ĐKCQ", "Đoàn cơ sở Sở Giáo dục và Đào tạo tỉnh Ninh Bình"],
  ["Đoàn Khối Doanh nghiệp tỉnh Ninh Bình", "ĐKDN", "Đoàn Thanh niên Công ty Cổ phần Xi măng và Vật liệu xây dựng Tam Điệp"],
  ["Đoàn Thanh niên Công an tỉnh Ninh Bình", "ĐTNCA", "Chi đoàn Phòng Cảnh sát giao thông, Công an tỉnh Ninh Bình"],
  ["Đoàn Thanh niên Bộ Chỉ huy Quân sự tỉnh Ninh Bình", "ĐTNQS", "Đoàn cơ sở Trường Trung học phổ thông chuyên Lương Văn Tụy"],
];
// After the 2025 reorganisation: communes and wards directly under the province.
const COMMUNES_2025 = [
  ["u301", "Đoàn phường Hoa Lư", "PHL"],
  ["u302", "Đoàn phường Nam Định", "PND"],
  ["u303", "Đoàn xã Gia Viễn", "XGV"],
  ["u304", "Đoàn phường Phủ Lý", "PPL"],
  ["u305", "Đoàn xã Kim Sơn", "XKS"],
  ["u306", "Đoàn phường Tam Điệp", "PTĐ"],
  ["u307", "Đoàn xã Nho Quan", "XNQ"],
];

function unit(id, parent_id, name, short_name, code, kind, level_label, extra = {}) {
  return { id, rev: "1-" + hexKey(Number(id.slice(1)) + 5000).slice(0, 32), parent_id, name, short_name, code, kind, level_label, valid_from: null, valid_to: null, merged_into: null, ...extra };
}

function buildUnits() {
  store.units = [unit("u100", null, "Tỉnh đoàn Ninh Bình", "Tỉnh đoàn", "TĐ", "province", "Cấp tỉnh")];
  DISTRICTS.forEach(([name, code, grassroots], i) => {
    const did = `u${101 + i * 2}`;
    store.units.push(unit(did, "u100", name, name.replace(/^(Thành đoàn|Huyện đoàn) /, ""), code, "district", "Cấp huyện"));
    store.units.push(unit(`u${102 + i * 2}`, did, grassroots, grassroots.slice(0, 24), `${code}-CS`, "grassroots", "Cơ sở Đoàn"));
  });
  for (const [id, name, code] of COMMUNES_2025) store.units.push(unit(id, "u100", name, name.replace(/^Đoàn (xã|phường) /, ""), code, "commune", "Cơ sở Đoàn (xã, phường)", { valid_from: "2025-07-01" }));
  // merged into Đoàn xã Kim Sơn at the reorganisation: kept with its history, no longer active
  store.units.push(unit("u308", "u100", "Đoàn xã Yên Lâm", "Yên Lâm", "XYL", "commune", "Cơ sở Đoàn (xã, phường)", { valid_to: "2025-06-30", merged_into: "u305" }));
}

function unitById(id) {
  return store.units.find((u) => u.id === String(id)) || null;
}

const collator = new Intl.Collator("vi", { sensitivity: "base", numeric: true });

/** Units in tree order (children by name) with their depth; `keep` filters (ancestors kept). */
function treeRows(keep = () => true) {
  // Maps, not searches: ?units=20000 must answer as a real directory would.
  const byId = new Map(store.units.map((u) => [u.id, u]));
  const kept = new Set();
  for (const u of store.units) {
    if (!keep(u)) continue;
    for (let x = u; x && !kept.has(x.id); x = byId.get(x.parent_id)) kept.add(x.id);
  }
  const children = new Map();
  for (const u of store.units) {
    if (!kept.has(u.id)) continue;
    const p = u.parent_id || null;
    if (!children.has(p)) children.set(p, []);
    children.get(p).push(u);
  }
  const out = [];
  const walk = (parent, depth) => {
    const kids = (children.get(parent) || []).sort((a, b) => collator.compare(a.name, b.name));
    for (const u of kids) {
      out.push(unitRow(u, depth));
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

function unitRow(u, depth) {
  return { id: u.id, parent_id: u.parent_id, name: u.name, short_name: u.short_name, code: u.code, kind: u.kind, level_label: u.level_label, valid_from: u.valid_from, valid_to: u.valid_to, merged_into: u.merged_into || null, depth };
}

function depthOf(u) {
  let d = 0;
  for (let x = unitById(u.parent_id); x; x = unitById(x.parent_id)) d++;
  return d;
}

function isLive(u) {
  return !u.valid_to && !u.merged_into;
}

// ---------- inspectors and teams ----------

const PEOPLE = [
  ["i1", "Nguyễn Thị Thu Hương", "Phó Bí thư Tỉnh đoàn"],
  ["i2", "Trần Văn Minh", "Trưởng Ban Xây dựng Đoàn"],
  ["i3", "Lê Hoàng Nam", "Ủy viên Ban Chấp hành Tỉnh đoàn"],
  ["i4", "Phạm Thị Lan Anh", "Chuyên viên Ban Xây dựng Đoàn"],
  ["i5", "Đinh Công Thành", "Phó Bí thư Tỉnh đoàn"],
  ["i6", "Vũ Thị Ngọc Ánh", "Phó Trưởng Ban Tuyên giáo"],
  ["i7", "Bùi Quang Huy", "Chuyên viên Văn phòng Tỉnh đoàn"],
  ["i8", "Hoàng Minh Đức", "Ủy viên Ban Thường vụ Tỉnh đoàn"],
  ["i9", "Ngô Thị Hồng Nhung", "Phó Trưởng Ban Xây dựng Đoàn"],
  ["i10", "Đặng Văn Khải", "Chuyên viên Ban Phong trào"],
  ["i11", "Nguyễn Văn Hải", "Phó Bí thư Tỉnh đoàn"],
  ["i12", "Trịnh Thu Trang", "Chuyên viên Ban Kiểm tra"],
];

function buildPeople() {
  store.inspectors = PEOPLE.map(([id, full_name, title]) => ({ id, full_name, title }));
  const team = (id, campaign_id, name, members) => ({ id, rev: "1-" + hexKey(id.length * 7919 + Number(id.replace(/\D/g, ""))).slice(0, 32), campaign_id, name, members: members.map(([inspector_id, role]) => ({ inspector_id, role })) });
  store.teams = [
    team("t11", "c1", "Đoàn kiểm tra số 1", [["i1", "head"], ["i2", "member"], ["i3", "member"], ["i4", "secretary"]]),
    team("t12", "c1", "Đoàn kiểm tra số 2", [["i5", "head"], ["i6", "member"], ["i7", "secretary"]]),
    team("t13", "c1", "Đoàn kiểm tra số 3", [["i8", "head"], ["i9", "member"], ["i10", "secretary"]]),
    team("t201", "c2", "Đoàn công tác số 1", [["i11", "head"], ["i12", "secretary"]]),
    team("t301", "c3", "Đoàn kiểm tra liên ngành", [["i11", "head"], ["i12", "secretary"]]),
  ];
}

function teamById(id) {
  return store.teams.find((t) => t.id === String(id)) || null;
}

function teamView(tm) {
  if (!tm) return null;
  return {
    id: tm.id,
    name: tm.name,
    members: tm.members.map((m) => {
      const p = store.inspectors.find((x) => x.id === m.inspector_id) || { full_name: m.inspector_id, title: "" };
      return { inspector_id: m.inspector_id, full_name: p.full_name, title: p.title, role: m.role };
    }),
    // The team laptops enrolled for it: the first team writes on "Laptop Đoàn kiểm tra số 1".
    laptops: /1$/.test(tm.name) ? [{ device_id: DEVICES.team1.id, name: DEVICES.team1.name, revoked: null }] : [],
  };
}

// ---------- campaigns and visits ----------

const NOTES = [
  "Đã ban hành Kế hoạch số 05-KH/ĐTN ngày 15/01/2023; có văn bản giao chỉ tiêu.",
  "Kiểm tra 5 hồ sơ: đầy đủ đơn, lý lịch, giấy giới thiệu.",
  "Tỷ lệ đạt 87%, minh chứng kèm theo báo cáo.",
  "Sổ Chi đoàn ghi chép đầy đủ đến tháng 10/2023.",
  "Tỷ lệ kích hoạt 76,4% (1.284/1.680 đoàn viên).",
];
const EXPLANATIONS = [
  "Do thay đổi bí thư chi đoàn giữa năm nên việc cập nhật bị gián đoạn; đơn vị sẽ hoàn thiện trong tháng 12.",
  "Một số đoàn viên đi làm ăn xa chưa có điện thoại thông minh.",
  "Đơn vị đã có kế hoạch khắc phục, dự kiến hoàn thành trước 31/12/2023.",
];
const ATTENDEES = [
  { name: "Nguyễn Văn Tùng", position: "Bí thư Đoàn", side: "unit" },
  { name: "Lê Thị Mai", position: "Phó Bí thư Đoàn", side: "unit" },
  { name: "Trần Quốc Bảo", position: "Phó Bí thư Đảng ủy", side: "guest" },
];

function blankVisit(id, campaign_id, unit_id, team_id, date, status, criteria_set_id) {
  return { id, rev: "1-" + hexKey(Number(id) + 9000).slice(0, 32), campaign_id, unit_id, team_id, date, status, criteria_set_id, report_summary: "", difficulties: "", strengths: "", shortcomings: "", assessment: "", overall_result: null, attendees: [], questions: [], signed_at: null, unlocks: [] };
}

function addRec(visitId, id, text, raised_by, authority, status, due_date = null) {
  store.recs.push({ id, rev: "1-" + hexKey(id.length * 31 + Number(id.replace(/\D/g, ""))).slice(0, 32), visit_id: visitId, text, raised_by, authority, status, due_date });
}

function buildCampaign2023() {
  const cid = "c1";
  const dates = ["2023-11-07", "2023-11-08", "2023-11-09", "2023-11-10"];
  // status per district index: signed ×3, completed ×3, in_progress ×3, planned ×3 (each for district + its grassroots)
  const statusFor = (i) => ["signed", "completed", "in_progress", "planned"][Math.floor(i / 3)];
  const items = itemsOf("crit-2023");
  let n = 1;
  DISTRICTS.forEach((d, i) => {
    const team = store.teams.filter((t) => t.campaign_id === cid)[i % 3];
    for (const offset of [0, 1]) {
      const u = unitById(`u${101 + i * 2 + offset}`);
      let status = statusFor(i);
      if (status === "planned" && offset === 0 && i === 9) status = "in_progress";
      const visit = blankVisit(String(n), cid, u.id, team.id, dates[Math.floor(i / 3)], status, "crit-2023");
      n++;
      const findings = {};
      let fill = 0;
      if (status === "signed" || status === "completed") fill = 1;
      else if (status === "in_progress") fill = 0.25 + rnd() * 0.4;
      items.forEach((item, k) => {
        if (fill === 1 || rnd() < fill) {
          const f = { id: `f${store.nextId++}`, rating: null, points: null, note: "", explanation: "", rev: 1 };
          if (item.scale === "points") f.points = Math.max(0, Math.round(item.max_points * (0.55 + rnd() * 0.45)));
          else f.rating = rnd() < 0.82 ? "dat" : "chua_dat";
          if (rnd() < 0.6) f.note = NOTES[k % NOTES.length];
          if (f.rating === "chua_dat") f.explanation = EXPLANATIONS[k % EXPLANATIONS.length];
          findings[item.code] = f;
        }
      });
      if (status === "signed" || status === "completed" || (status === "in_progress" && offset === 0)) {
        visit.report_summary =
          "Năm 2023, " + u.name + " đã bám sát chương trình công tác của Tỉnh đoàn, triển khai đồng bộ các phần việc thanh niên gắn với chủ đề “Năm chuyển đổi số các hoạt động của Đoàn”. Đơn vị đã tổ chức 12 lớp bồi dưỡng nhận thức về Đoàn cho 684 học viên, kết nạp 452 đoàn viên mới.";
        visit.difficulties = "Một bộ phận đoàn viên đi làm ăn xa, khó tập hợp sinh hoạt.\nKinh phí hoạt động của cơ sở Đoàn còn hạn chế.";
        visit.attendees = clone(ATTENDEES);
      }
      if (status === "signed" || status === "completed") {
        visit.strengths = "Cấp ủy quan tâm lãnh đạo, chỉ đạo; đội ngũ cán bộ Đoàn nhiệt tình, trách nhiệm.\nHồ sơ, sổ sách được lưu trữ khoa học.";
        visit.shortcomings = "Việc cập nhật nghiệp vụ trên Phần mềm Quản lý đoàn viên chưa thường xuyên; tỷ lệ kích hoạt App “Thanh niên Việt Nam” ở một số chi đoàn còn thấp.";
        visit.assessment = "Nhìn chung, đơn vị đã thực hiện tốt các nội dung kiểm tra, hoàn thành phần lớn chỉ tiêu năm 2023.";
        visit.overall_result = ["xuat_sac", "tot", "hoan_thanh", "tot", "khong_hoan_thanh"][n % 5];
        visit.questions = [{ question: "Đơn vị đã giao chỉ tiêu kết nạp đoàn viên cho từng chi đoàn chưa?", answer: "Đã giao bằng văn bản từ tháng 01/2023, kèm theo lộ trình từng quý." }];
        addRec(visit.id, `r${visit.id}1`, "Đề nghị Tỉnh đoàn hỗ trợ kinh phí tập huấn sử dụng Phần mềm Quản lý đoàn viên cho bí thư chi đoàn.", "unit", "union", "forwarded");
        addRec(visit.id, `r${visit.id}2`, "Đề nghị cấp ủy bố trí phòng sinh hoạt riêng cho Đoàn Thanh niên tại trụ sở.", "unit", "party", "received");
        addRec(visit.id, `r${visit.id}3`, "Đơn vị hoàn thiện sổ Chi đoàn theo mẫu mới trước ngày 31/12/2023.", "team", "unit", status === "signed" ? "done" : "answered", "2023-12-31");
      }
      if (status === "signed") visit.signed_at = `${visit.date}T16:30:00+07:00`;
      store.visits.push(visit);
      store.findings[visit.id] = findings;
    }
  });
  store.campaigns.push({
    id: cid,
    rev: "3-" + hexKey(31).slice(0, 32),
    name: "Kiểm tra công tác Đoàn và phong trào thanh thiếu nhi năm 2023",
    year: 2023,
    theme: "Năm chuyển đổi số các hoạt động của Đoàn",
    start_date: "2023-11-07",
    end_date: "2023-11-10",
    decision_number: "215-QĐ/TĐTN-XDĐ",
    issuing_body: "Ban Thường vụ Tỉnh đoàn Ninh Bình",
    place: "Ninh Bình",
    criteria_set_id: "crit-2023",
    report: {
      parent_body: "TỈNH ĐOÀN NINH BÌNH",
      issuer: "BAN XÂY DỰNG ĐOÀN",
      place: "Ninh Bình",
      report_number: "127-BC/TĐTN-XDĐ",
      minutes_number: "{n}-BB/TĐTN-XDĐ",
      signer_title: "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN",
      signer_position: "PHÓ BÍ THƯ",
      signer_name: "Nguyễn Thị Thu Hương",
      recipients: ["Ban Thường vụ Trung ương Đoàn (b/c)", "Thường trực Tỉnh ủy (b/c)", "Lưu VP, XDĐ"],
    },
  });

  // The minutes of visit 17 (in progress) beyond the checklist, and what the search finds there.
  const v17 = store.visits.find((v) => v.id === "17");
  v17.questions = [{ question: "Vì sao tỷ lệ kích hoạt App “Thanh niên Việt Nam” của Đoàn Khối còn thấp?", answer: "Nhiều đoàn viên là công chức lớn tuổi, chưa quen dùng điện thoại thông minh." }];
  store.findings["17"]["5.1"] = { id: `f${store.nextId++}`, rating: null, points: 9, note: "Thu đoàn phí đủ 12 tháng, đạt 96,5% số đoàn viên.", explanation: "", rev: 1 };
  addRec("17", "r171", "Đề nghị Tỉnh đoàn mở lớp tập huấn nghiệp vụ công tác Đoàn cho bí thư chi đoàn mới.", "unit", "union", "forwarded", "2024-03-31");
  // visit 1 was unlocked once (a finding was corrected) and signed again
  const v1 = store.visits.find((v) => v.id === "1");
  v1.unlocks = [{ at: "2023-11-08T08:15:00+07:00", by: DEVICES.team1.name, reason: "Bổ sung giải trình của đơn vị về mục 5.3" }];
  // visit 4 (signed): a finding edited on another laptop that had not seen the signing
  const v4 = store.visits.find((v) => v.id === "4");
  if (v4 && v4.status === "signed") {
    const code = Object.keys(store.findings["4"] || {})[0];
    const f = code && store.findings["4"][code];
    if (f) {
      store.afterSigning["4"] = [
        {
          id: f.id,
          kind: "finding",
          label: `Tiêu chí ${code} · ${unitById(v4.unit_id).name}`,
          change: "changed",
          person: "Trần Thị Bình",
          device_name: DEVICES.team2.name,
          hlc: "2023-11-10T09:12:00.000Z#0000",
          signed: { visit_id: "4", item_code: code, rating: f.rating, points: f.points, note: f.note, explanation: f.explanation },
          now: { visit_id: "4", item_code: code, rating: f.rating === "dat" ? "chua_dat" : "dat", points: f.points, note: "Sổ sách chưa cập nhật <b>đủ</b> tháng 10.", explanation: f.explanation },
        },
      ];
    }
  }
}

function buildSimpleCampaign(c, unitIds, status, teamId) {
  unitIds.forEach((uid, i) => {
    const v = blankVisit(String(Number(c.id.slice(1)) * 1000 + i), c.id, uid, teamId, c.start_date, typeof status === "function" ? status(i) : status, c.criteria_set_id);
    const findings = {};
    if (v.status === "signed") {
      for (const item of itemsOf(c.criteria_set_id)) findings[item.code] = { id: `f${store.nextId++}`, rating: item.scale === "pass_fail" ? "dat" : null, points: item.scale === "points" ? item.max_points : null, note: "", explanation: "", rev: 1 };
      v.overall_result = "tot";
      v.signed_at = `${c.start_date}T17:00:00+07:00`;
    }
    store.visits.push(v);
    store.findings[v.id] = findings;
  });
  store.campaigns.push(c);
}

function buildAll() {
  buildCriteria();
  buildUnits();
  buildPeople();
  buildCampaign2023();
  buildSimpleCampaign(
    { id: "c2", rev: "2-" + hexKey(32).slice(0, 32), name: "Kiểm tra công tác Đoàn và phong trào thanh thiếu nhi năm 2021", year: 2021, theme: "Năm Thanh niên tình nguyện", start_date: "2021-11-15", end_date: "2021-11-19", decision_number: "187-QĐ/TĐTN-XDĐ", issuing_body: "Ban Thường vụ Tỉnh đoàn Ninh Bình", place: "Ninh Bình", criteria_set_id: "crit-2021", report: null },
    ["u101", "u103", "u105", "u107", "u109", "u113"],
    "signed",
    "t201",
  );
  buildSimpleCampaign(
    { id: "c3", rev: "1-" + hexKey(33).slice(0, 32), name: "Kiểm tra, giám sát việc thực hiện Nghị quyết Đại hội Đoàn các cấp tại các xã, phường sau sắp xếp đơn vị hành chính năm 2025", year: 2025, theme: "Đoàn cơ sở vững mạnh sau sắp xếp tổ chức bộ máy", start_date: "2025-10-20", end_date: "2025-10-31", decision_number: "342-QĐ/TĐTN-KT", issuing_body: "Ban Thường vụ Tỉnh đoàn Ninh Bình (mới)", place: "Ninh Bình", criteria_set_id: "crit-2023", report: null },
    ["u301", "u302", "u303", "u304", "u305"],
    (i) => (i < 2 ? "in_progress" : "planned"),
    "t301",
  );
  buildAttachments();
  seedHistories();
}

function campaignById(id) {
  return store.campaigns.find((c) => c.id === String(id)) || null;
}
function visitById(id) {
  return store.visits.find((v) => v.id === String(id)) || null;
}
function visitUnitName(visitId) {
  const v = visitById(visitId);
  const u = v && unitById(v.unit_id);
  return u ? u.name : "";
}

// ---------- attachments ----------

function attachment(id, visit_id, n, file_name, mime, size, caption, item_code, present) {
  return { id, rev: "1-" + hexKey(n + 7000).slice(0, 32), visit_id, sha256: hexKey(n), file_name, mime, size, caption, item_code, present, is_image: mime.startsWith("image/") };
}

function buildAttachments() {
  store.attachments = [
    attachment("att-171", "17", 171, "IMG_20231109_0912.jpg", "image/jpeg", 2431872, "Sổ Chi đoàn Văn phòng năm 2023", "5.2", true),
    attachment("att-172", "17", 172, "Bao-cao-tong-ket-cong-tac-Doan-2023.pdf", "application/pdf", 845120, "Báo cáo tổng kết công tác Đoàn năm 2023", null, true),
    // came with a bundle: the record is here, the file is still on the other laptop
    attachment("att-173", "17", 173, "IMG_20231109_0930.jpg", "image/jpeg", 1988608, "Hồ sơ kết nạp đoàn viên", "2.3", false),
    attachment("att-11", "1", 11, "IMG_20231107_1420.jpg", "image/jpeg", 3145728, "Đoàn kiểm tra làm việc với Thành đoàn Ninh Bình", null, true),
  ];
}

// ---------- seeded histories (edits made on the teams' laptops) ----------

function seedHistories() {
  const created = { visit_id: "17", text: "Đề nghị Tỉnh đoàn mở lớp tập huấn nghiệp vụ cho bí thư chi đoàn.", raised_by: "unit", authority: "union", status: "received", due_date: null };
  histories.set("r171", [
    { rev: newRev(1), generation: 1, parents: [], device_id: DEVICES.team3.id, device_name: DEVICES.team3.name, hlc: "2023-11-09T02:10:14.402Z#0000", deleted: false, body: created },
  ]);
  logWrite("r171", { device: DEVICES.self, hlc: "2023-11-09T08:31:50.118Z#0000" });
}

if (params.get("first") !== "1" && params.get("empty") !== "1") buildAll();
else {
  buildCriteria();
  store.criteria = [store.criteria[0]]; // the standard set exists in every database
}
// ?units=N adds N generated units under the province: districts and agencies, their communes
// and wards, and the branches of each, as a province's directory after the 2025 merger is.
const FIRST = ["An", "Bình", "Cẩm", "Đông", "Đức", "Gia", "Hòa", "Hưng", "Khánh", "Kim", "Lạc", "Liên", "Minh", "Nghĩa", "Ninh", "Phú", "Quang", "Sơn", "Tân", "Thạch", "Thượng", "Trường", "Văn", "Xuân", "Yên"];
const SECOND = ["Thành", "Lộc", "Phong", "Hải", "Tiến", "Thịnh", "Trung", "Giang", "Lâm", "Long", "Điền", "Thái", "Mỹ", "Quý", "Hiệp", "Nhân", "Đạt", "Khê", "Vinh", "Châu"];
function buildGeneratedUnits(n) {
  // 500 place names of two syllables: unique under each parent, as the directory requires.
  const place = (i) => `${FIRST[i % 25]} ${SECOND[Math.floor(i / 25) % 20]}`;
  const DISTRICT_KINDS = ["Huyện đoàn", "Thành đoàn", "Huyện đoàn", "Thị đoàn"];
  const BRANCHES = ["Chi đoàn thôn", "Chi đoàn xóm", "Chi đoàn khu phố", "Chi đoàn trường"];
  let made = 0;
  const add = (parent, name, code, kind, level) => {
    const id = `ug${made++}`;
    store.units.push({ id, rev: `1-${hexKey(20000 + made).slice(0, 32)}`, parent_id: parent, name, short_name: "", code, kind, level_label: level, valid_from: null, valid_to: null, merged_into: null });
    return id;
  };
  const districts = Math.max(1, Math.round(n / 200));
  for (let d = 0; d < districts && made < n; d++) {
    const did = add("u100", `${DISTRICT_KINDS[d % 4]} ${place(d * 7)}`, `G${d}`, "district", "Cấp huyện");
    for (let c = 0; c < 10 && made < n; c++) {
      const cid = add(did, `${c % 3 === 2 ? "Đoàn phường" : "Đoàn xã"} ${place(d * 10 + c)}`, `G${d}-${c}`, "commune", "Cơ sở Đoàn (xã, phường)");
      for (let b = 0; b < 19 && made < n; b++) add(cid, `${BRANCHES[b % 4]} ${place(b * 3 + c)}`, `G${d}-${c}-${b}`, "branch", "Chi đoàn");
    }
  }
}
if (store.units && params.get("units")) buildGeneratedUnits(Number(params.get("units")));

// ?campaigns=N adds N past campaigns without visits: a province's years of work, for the list's paging.
for (let i = 0; i < Number(params.get("campaigns") || 0); i++) {
  const year = 2022 - Math.floor(i / 4);
  store.campaigns.push({ id: `cx${i}`, rev: `1-${hexKey(900 + i).slice(0, 32)}`, name: `Kiểm tra chuyên đề số ${i + 1} năm ${year}`, year, theme: i % 10 === 0 ? "Đoàn phí và sổ sách" : "", start_date: `${year}-0${1 + (i % 9)}-10`, end_date: `${year}-0${1 + (i % 9)}-20`, decision_number: `${100 + i}-QĐ/TĐTN`, issuing_body: "Ban Thường vụ Tỉnh đoàn Ninh Bình", place: "Ninh Bình", criteria_set_id: "crit-2023", report: null });
}

// ---------- views ----------

function campaignSummary(c) {
  const visits = store.visits.filter((v) => v.campaign_id === c.id);
  const status_counts = { planned: 0, in_progress: 0, completed: 0, signed: 0 };
  for (const v of visits) status_counts[v.status]++;
  const rest = { ...c };
  delete rest.report;
  delete rest.rev;
  return { ...rest, unit_count: new Set(visits.map((v) => v.unit_id)).size, visit_count: visits.length, status_counts };
}

function doneCount(v) {
  const f = store.findings[v.id] || {};
  return itemsOf(v.criteria_set_id).filter((it) => f[it.code] && (f[it.code].rating != null || f[it.code].points != null)).length;
}

function visitRow(v) {
  const u = unitById(v.unit_id);
  const tm = teamById(v.team_id);
  return { id: v.id, campaign_id: v.campaign_id, unit_id: v.unit_id, unit_name: u.name, unit_code: u.code, unit_level_label: u.level_label, date: v.date, status: v.status, team_id: v.team_id, team_name: tm ? tm.name : "", overall_result: v.overall_result, done: doneCount(v), total: itemsOf(v.criteria_set_id).length, conflict: visitInConflict(v.id) };
}

function recView(r) {
  const { rev, id, ...body } = r;
  return { id, rev, conflict: recInConflict(id), ...body };
}

function recBody(r) {
  return { visit_id: r.visit_id, text: r.text, raised_by: r.raised_by, authority: r.authority, status: r.status, due_date: r.due_date ?? null };
}

function lockedError(v) {
  return fail("visit_locked", { unit: visitUnitName(v.id) });
}

// ---------- the API (same exports as ui/api.js) ----------

export async function appState() {
  return call("app_state", undefined, () => ({
    db_path: "C:\\Users\\canbo\\AppData\\Roaming\\vn.doanthanhnien.kiemtra\\kiemtra.sqlite3",
    device: store.device,
    lang: store.lang,
    onboarded: store.onboarded,
    device_named: trust.named,
    campaign_count: store.campaigns.length,
    version: "0.1.0",
  }));
}

export async function setLanguage(lang) {
  return call("set_language", { lang }, () => {
    store.lang = lang === "en" ? "en" : "vi";
    try {
      sessionStorage.setItem("kiemtra-mock-lang", store.lang);
    } catch {}
    return store.lang;
  });
}

export async function loadDemo() {
  return call("load_demo", undefined, () => {
    // A fresh demo: the campaign and its data, no other laptop's bundles yet.
    if (!store.campaigns.length) buildAll();
    store.onboarded = true;
    return { campaign_id: "c1" };
  });
}

export async function startEmpty() {
  return call("start_empty", undefined, () => {
    store.onboarded = true;
    return null;
  });
}

export async function campaignList() {
  return call("campaign_list", undefined, () => store.campaigns.map(campaignSummary));
}

export async function campaignOverview(id) {
  return call("campaign_overview", { id }, () => {
    const c = campaignById(id);
    if (!c) throw fail("not_found");
    const visits = store.visits.filter((v) => v.campaign_id === c.id);
    const inCampaign = new Set(visits.map((v) => v.unit_id));
    return {
      campaign: campaignSummary(c),
      units: treeRows((u) => inCampaign.has(u.id)),
      teams: store.teams.filter((t) => t.campaign_id === c.id).sort((a, b) => collator.compare(a.name, b.name)).map(teamView),
      visits: visits.map(visitRow),
      cancelled: (store.cancelled || []).filter((x) => x.campaign_id === c.id).map(clone).reverse(),
    };
  });
}

export async function visitGet(id) {
  return call("visit_get", { id }, () => {
    const v = visitById(id);
    if (!v) throw fail("not_found");
    const c = campaignById(v.campaign_id);
    const u = unitById(v.unit_id);
    const set = criteriaOf(v.criteria_set_id);
    const findings = {};
    for (const [code, f] of Object.entries(store.findings[v.id] || {})) findings[code] = { ...f, conflict: findingInConflict(v.id, code) };
    return {
      visit: clone(v),
      unit: unitRow(u, depthOf(u)),
      campaign: { id: c.id, name: c.name, start_date: c.start_date || null, end_date: c.end_date || null },
      team: teamView(teamById(v.team_id)),
      criteria: { id: set.id, ...clone(set.body) },
      findings,
      recommendations: store.recs.filter((r) => r.visit_id === v.id).map(recView),
      locked: v.status === "signed",
      after_signing: v.status === "signed" ? clone(store.afterSigning[v.id] || []) : [],
      done: doneCount(v),
      total: itemsOf(v.criteria_set_id).length,
    };
  });
}

export async function findingSet(input) {
  return serialised(`finding:${input.visit_id}/${input.item_code}`, () =>
    call("finding_set", { input }, () => {
      const v = visitById(input.visit_id);
      if (!v) throw fail("not_found");
      if (v.status === "signed") throw lockedError(v);
      if (FAIL_ALL || (FAIL_CODE && FAIL_CODE === input.item_code)) throw fail("io");
      const item = itemsOf(v.criteria_set_id).find((it) => it.code === input.item_code);
      if (!item) throw fail("not_found");
      if (input.points !== null && input.points !== undefined) {
        if (typeof input.points !== "number" || !Number.isFinite(input.points) || input.points < 0 || (item.max_points != null && input.points > item.max_points)) {
          throw fail("invalid_points", { code: item.code, max: item.max_points ?? "∞" });
        }
      }
      if (input.rating !== null && input.rating !== "dat" && input.rating !== "chua_dat") throw fail("not_found");
      const map = (store.findings[v.id] ||= {});
      const prev = map[item.code];
      const fid = prev ? prev.id : `f${store.nextId++}`;
      const f = { id: fid, rating: input.rating ?? null, points: input.points ?? null, note: input.note ?? "", explanation: input.explanation ?? "", rev: prev ? prev.rev + 1 : 1 };
      const before = bodyOf(fid);
      map[item.code] = f;
      logWrite(fid, { before });
      if (v.status === "planned") v.status = "in_progress";
      return { id: f.id, rev: f.rev, visit_status: v.status };
    }),
  );
}

// Closing the window (Tauri only in the real app): window.__mockRequestClose() sends the close
// request and resolves when the page's handlers are done; closeApp is logged as the "app_close" call.
window.__mockRequestClose = () => Promise.all([...(eventListeners.get("app://close-requested") || [])].map((fn) => fn()));

export async function onCloseRequested(handler) {
  listen("app://close-requested", handler);
}

export async function closeApp() {
  return call("app_close", undefined, () => null);
}

// ---------- visit workspace ----------

const VISIT_FIELDS = ["date", "status", "report_summary", "difficulties", "strengths", "shortcomings", "assessment", "overall_result", "attendees", "questions", "start_time", "place"];

export async function visitUpdate(id, patch) {
  return serialised(`visit:${id}`, () =>
    call("visit_update", { id, patch }, () => {
      const v = visitById(id);
      if (!v) throw fail("not_found");
      if (v.status === "signed") throw lockedError(v);
      if (patch && patch.status === "signed") throw { code: "invalid_input", message: lang() === "en" ? "Sign the minutes with “Sign the minutes”, not by changing the status." : "Ký biên bản bằng nút “Ký biên bản”, không đổi trạng thái trực tiếp." };
      const rev = write(v.id, () => {
        for (const k of VISIT_FIELDS) if (patch && k in patch) v[k] = clone(patch[k]);
      });
      v.rev = rev;
      return { id: v.id, rev, status: v.status };
    }),
  );
}

export async function visitSign(id) {
  return call("visit_sign", { id }, () => {
    const v = visitById(id);
    if (!v) throw fail("not_found");
    if (v.status === "signed") throw lockedError(v);
    const f = store.findings[v.id] || {};
    // As Rust says it: the items once, in one phrase, and their codes for the screen's links.
    const items = itemsOf(v.criteria_set_id)
      .filter((it) => it.required && !(f[it.code] && (f[it.code].rating != null || f[it.code].points != null)))
      .map((it) => it.code);
    const listed = items.length ? fail("sign_missing_items", { n: items.length, list: items.join(", ") }).message : "";
    const missing = v.overall_result ? listed : listed ? fail("sign_missing_and_result", { items: listed }).message : fail("sign_missing_result").message;
    if (missing) throw { ...fail("sign_incomplete", { missing }), ...(items.length ? { items } : {}) };
    const rev = write(v.id, () => {
      v.status = "signed";
      v.signed_at = nowLocal();
    });
    v.rev = rev;
    return { id: v.id, rev, status: v.status };
  });
}

export async function visitUnlock(id, reason) {
  return call("visit_unlock", { id, reason }, () => {
    const v = visitById(id);
    if (!v) throw fail("not_found");
    const why = String(reason ?? "").trim();
    if (!why) throw emptyText("reason");
    if (v.status !== "signed") throw fail("not_signed");
    const rev = write(v.id, () => {
      v.status = "completed";
      v.unlocks.push({ at: nowLocal(), by: store.device.name, reason: why });
    });
    v.rev = rev;
    return { id: v.id, rev, status: v.status };
  });
}

export async function visitKeepSigned(id) {
  return call("visit_keep_signed", { id }, () => {
    const v = visitById(id);
    if (!v) throw fail("not_found");
    if (v.status !== "signed") throw fail("not_signed");
    const n = (store.afterSigning[v.id] || []).length;
    delete store.afterSigning[v.id];
    return n;
  });
}

export async function recommendationAdd(input) {
  return call("recommendation_add", { input }, () => {
    const v = visitById(input.visit_id);
    if (!v) throw fail("not_found");
    if (v.status === "signed") throw lockedError(v);
    if (!String(input.text ?? "").trim()) throw emptyText("text");
    const id = newId("r");
    const r = { id, rev: null, visit_id: v.id, text: String(input.text).trim(), raised_by: input.raised_by || "unit", authority: input.authority || "unit", status: "received", due_date: input.due_date ?? null };
    store.recs.push(r);
    r.rev = logWrite(id);
    return { id, rev: r.rev, body: recBody(r) };
  });
}

export async function recommendationUpdate(id, patch) {
  return serialised(`rec:${id}`, () =>
    call("recommendation_update", { id, patch }, () => {
      const r = store.recs.find((x) => x.id === String(id));
      if (!r) throw fail("not_found");
      const v = visitById(r.visit_id);
      // The text, who raised it and who must act are part of the signed minutes; the follow-up is not.
      const minutesChange = ["text", "raised_by", "authority"].some((k) => patch && k in patch && patch[k] !== r[k]);
      if (v.status === "signed" && minutesChange) throw lockedError(v);
      if (patch && "text" in patch && !String(patch.text ?? "").trim()) throw emptyText("text");
      r.rev = write(r.id, () => {
        for (const k of ["text", "raised_by", "authority", "status", "due_date"]) if (patch && k in patch) r[k] = patch[k] ?? null;
      });
      return { id: r.id, rev: r.rev, body: recBody(r) };
    }),
  );
}

export async function recommendationDelete(id) {
  return call("recommendation_delete", { id }, () => {
    const r = store.recs.find((x) => x.id === String(id));
    if (!r) throw fail("not_found");
    const v = visitById(r.visit_id);
    if (v.status === "signed") throw lockedError(v);
    const before = bodyOf(r.id);
    store.recs = store.recs.filter((x) => x !== r);
    logWrite(r.id, { deleted: true, before });
    return null;
  });
}

export async function recordHistory(id) {
  return call("record_history", { id }, () => {
    let list = histories.get(String(id));
    if (!list) {
      const body = bodyOf(String(id));
      if (!body) throw fail("not_found");
      list = [{ rev: newRev(1), generation: 1, parents: [], device_id: DEVICES.self.id, device_name: DEVICES.self.name, hlc: "2023-10-30T01:20:00.000Z#0000", deleted: false, body }];
      histories.set(String(id), list);
    }
    return list.map((e, i) => ({ ...e, person: e.person ?? (e.device_id === DEVICES.self.id ? trust.person : ""), is_head: i === list.length - 1, is_current: i === list.length - 1 }));
  });
}

// ---------- attachments ----------

function numberOf(text) {
  let n = 0;
  for (const ch of String(text)) n = (n * 31 + ch.codePointAt(0)) % 1000003;
  return n;
}

const ATTACHABLE = { jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", pdf: "application/pdf" };

/** Attach the file `name` to visit `v` (the same file twice is one attachment). → outcome */
function attachFile(v, item, name) {
  const ext = (/\.([a-z0-9]+)$/i.exec(name) || [])[1];
  const mime = ext && ATTACHABLE[ext.toLowerCase()];
  if (!mime) return { file: name, ok: false, error: fail("attachment_type", { file: name }) };
  const n = numberOf(name);
  const id = `att-${v.id}-${n}`;
  if (!store.attachments.some((a) => a.id === id)) {
    store.attachments.push(attachment(id, v.id, n, name, mime, 250000 + (n % 3000000), "", item ?? null, true));
    logWrite(id);
  }
  return { file: name, ok: true };
}

function attachableVisit(visit) {
  const v = visitById(visit);
  if (!v) throw fail("not_found");
  if (v.status === "signed") throw lockedError(v);
  return v;
}

export async function attachmentsList(visit) {
  return call("attachments_list", { visit }, () => {
    if (!visitById(visit)) throw fail("not_found");
    return store.attachments.filter((a) => a.visit_id === String(visit)).map(clone);
  });
}

export async function attachmentPick(visit, item) {
  return call("attachment_pick", { visit, item: item ?? null }, () => {
    const v = attachableVisit(visit);
    if (dialogCancelled()) return null;
    return ["IMG_20231110_1502.jpg", "bien-ban-ky-ngay-10-11.docx"].map((name) => attachFile(v, item, name));
  });
}

let dropped = [];
window.__mockDropFiles = (names) => {
  dropped = [...names];
  emit("app://files-dropped", names);
};

export async function attachmentAddDropped(visit, item) {
  return call("attachment_add_dropped", { visit, item: item ?? null }, () => {
    const v = attachableVisit(visit);
    const names = dropped;
    dropped = [];
    return names.map((name) => attachFile(v, item, name));
  });
}

export async function attachmentCaption(id, caption) {
  return serialised(`att:${id}`, () =>
    call("attachment_caption", { id, caption }, () => {
      const a = store.attachments.find((x) => x.id === String(id));
      if (!a) throw fail("not_found");
      attachableVisit(a.visit_id);
      a.rev = write(a.id, () => (a.caption = String(caption ?? "")));
      return null;
    }),
  );
}

export async function attachmentRemove(id) {
  return call("attachment_remove", { id }, () => {
    const a = store.attachments.find((x) => x.id === String(id));
    if (!a) throw fail("not_found");
    attachableVisit(a.visit_id);
    const before = bodyOf(a.id);
    store.attachments = store.attachments.filter((x) => x !== a);
    logWrite(a.id, { deleted: true, before });
    return null;
  });
}

export async function attachmentSaveCopy(id) {
  return call("attachment_save_copy", { id }, () => {
    const a = store.attachments.find((x) => x.id === String(id));
    if (!a || !a.present) throw fail("not_found");
    if (dialogCancelled()) return null;
    return `C:\\Users\\canbo\\Documents\\${a.file_name}`;
  });
}

export async function onFilesDropped(handler) {
  return listen("app://files-dropped", (names) => handler(names || []));
}

/** Thumbnails and files come from the mock server (the app serves them through kiemtra-file:). */
export function blobUrl(kind, sha256) {
  return `__mock/blob/${kind}/${encodeURIComponent(sha256)}`;
}

// ---------- unit directory ----------

/** As Rust's unit_tree_with: units ended before today are left out (unless a shown unit is below them), or kept with `all`. */
export async function unitsTree(all = false) {
  return call("units_tree", { all: !!all }, () => {
    const today = new Date().toISOString().slice(0, 10);
    return all ? treeRows() : treeRows((u) => !(u.valid_to && u.valid_to < today));
  });
}

const IMPORT_COLUMNS = [
  { column: "A", header: "Tên đơn vị", field: "name" },
  { column: "B", header: "Mã", field: "code" },
  { column: "C", header: "Tên viết tắt", field: "short_name" },
  { column: "D", header: "Trực thuộc", field: "parent" },
  { column: "E", header: "Cấp", field: "level_label" },
  { column: "F", header: "Ghi chú", field: null },
];
// The secretariat's list after the reorganisation, as typed in Excel (line 1 is a title).
const IMPORT_FILE = [
  [3, { name: "Đoàn phường Hoa Lư", code: "PHL", short_name: "Hoa Lư", parent: "TĐ", level_label: "Cơ sở Đoàn (xã, phường)" }],
  [4, { name: "Đoàn phường Nam Định", code: "PND", short_name: "P. Nam Định", parent: "TĐ", level_label: "Cơ sở Đoàn (xã, phường)" }],
  [5, { name: "Đoàn xã Gia Hưng", code: "XGH", short_name: "Gia Hưng", parent: "TĐ", level_label: "Cơ sở Đoàn (xã, phường)" }],
  [6, { name: "Chi đoàn thôn Đông Thượng", code: "XGH-CĐ01", short_name: "Thôn Đông Thượng", parent: "XGH", level_label: "Chi đoàn" }],
  [7, { name: "Đoàn xã Đại Hoàng", code: "XĐH", short_name: "Đại Hoàng", parent: "TĐ", level_label: "Cơ sở Đoàn (xã, phường)" }],
  [8, { name: "Đoàn xã Yên Từ", code: "XYT", short_name: "Yên Từ", parent: "TĐ", level_label: "Cơ sở Đoàn (xã, phường)" }],
  [9, { name: "", code: "XGT", short_name: "", parent: "HĐYK-X", level_label: "Cơ sở Đoàn (xã, phường)" }],
  // Under the table, as offices write: Rust takes these for no unit (kiemtra_domain::unit_sheet::NotUnit).
  [11, { name: "Tổng cộng: 7 đơn vị", code: "", short_name: "", parent: "", level_label: "" }, { kind: "total", message: { vi: "dòng tổng cộng", en: "a totals line" } }],
  [13, { name: "NGƯỜI LẬP BIỂU", code: "", short_name: "", parent: "", level_label: "" }, { kind: "signature", message: { vi: "dòng ký tên, ngày tháng", en: "a signature or date line" } }],
];
let importPlan = null;

function rowError(line, field, problem, vi, en) {
  const col = IMPORT_COLUMNS.find((c) => c.field === field);
  return { line, column: col.column, header: col.header, field, problem, message: { vi: `Dòng ${line}, cột ${col.column} (${col.header}): ${vi}`, en: `Line ${line}, column ${col.column} (${col.header}): ${en}` } };
}

function makeImportPlan(keep = []) {
  const rows = [];
  for (const [line, raw, notUnit = null] of IMPORT_FILE) {
    const fields = { kind: "", valid_from: null, valid_to: null, ...raw };
    if (notUnit && !keep.includes(line)) {
      rows.push({ line, fields, action: "not_unit", id: null, parent_id: null, parent_line: null, changed: [], errors: [], not_unit: notUnit });
      continue;
    }
    const errors = [];
    if (!fields.name) errors.push(rowError(line, "name", "missing", "chưa có tên đơn vị.", "the unit name is missing."));
    const fromFile = rows.find((r) => r.fields.code === fields.parent && r.action !== "bad");
    const parentUnit = store.units.find((u) => isLive(u) && (u.code === fields.parent || u.name === fields.parent));
    if (fields.parent && !fromFile && !parentUnit) errors.push(rowError(line, "parent", "parent_not_found", `không tìm thấy đơn vị cấp trên "${fields.parent}".`, `no parent unit "${fields.parent}" was found.`));
    const existing = store.units.find((u) => isLive(u) && fields.code && u.code === fields.code);
    const parent_id = fromFile ? fromFile.id : parentUnit ? parentUnit.id : null;
    let action = "create";
    let changed = [];
    if (errors.length) action = "bad";
    else if (existing) {
      changed = ["name", "short_name", "level_label"].filter((k) => existing[k] !== fields[k]);
      if ((existing.parent_id || null) !== parent_id) changed.push("parent");
      action = changed.length ? "update" : "unchanged";
    }
    rows.push({ line, fields, action, id: action === "bad" ? null : existing ? existing.id : `new-${line}`, parent_id, parent_line: fromFile ? fromFile.line : null, changed, errors, not_unit: notUnit });
  }
  const tally = (a) => rows.filter((r) => r.action === a).length;
  return {
    file: "C:\\Users\\canbo\\Downloads\\danh-sach-don-vi-sau-sap-xep-2025.xlsx",
    format: "xlsx",
    sheet: "Đơn vị",
    header_line: 2,
    columns: IMPORT_COLUMNS,
    warnings: [
      { warning: "rows_above_header", lines: [1], message: { vi: "Dòng 1 nằm trên dòng tiêu đề, được bỏ qua.", en: "Line(s) 1 above the header row were left out." } },
      { warning: "unknown_column", column: "F", header: "Ghi chú", message: { vi: 'Cột F "Ghi chú" không dùng đến, được bỏ qua.', en: 'Column F "Ghi chú" is not used and was left out.' } },
    ],
    rows,
    create: tally("create"),
    update: tally("update"),
    unchanged: tally("unchanged"),
    bad: tally("bad"),
    not_unit: tally("not_unit"),
  };
}

export async function unitImportPick() {
  return call("unit_import_pick", undefined, () => {
    if (dialogCancelled()) return null;
    importPlan = makeImportPlan();
    return importPlan;
  });
}

export async function unitImportKeep(keep) {
  return call("unit_import_keep", { keep: keep || [] }, () => {
    if (!importPlan) throw fail("no_import_plan");
    importPlan = makeImportPlan(keep || []);
    return importPlan;
  });
}

export async function unitImportApply(skipBad, keep) {
  return call("unit_import_apply", { skipBad: !!skipBad, keep: keep || [] }, () => {
    if (!importPlan) throw fail("no_import_plan");
    const plan = makeImportPlan(keep || []);
    if (plan.bad && !skipBad) throw fail("bad_import_rows", { n: plan.bad });
    const ids = new Map(); // line → unit id
    for (const r of plan.rows) {
      if (r.action === "bad" || r.action === "not_unit") continue;
      const parent_id = r.parent_line ? ids.get(r.parent_line) : r.parent_id;
      const f = r.fields;
      if (r.action === "create") {
        const id = newId("u");
        store.units.push({ id, rev: null, parent_id, name: f.name, short_name: f.short_name, code: f.code, kind: f.kind, level_label: f.level_label, valid_from: null, valid_to: null, merged_into: null });
        unitById(id).rev = logWrite(id);
        ids.set(r.line, id);
      } else {
        const u = unitById(r.id);
        if (r.action === "update") u.rev = write(u.id, () => Object.assign(u, { name: f.name, short_name: f.short_name, level_label: f.level_label, parent_id }));
        ids.set(r.line, u.id);
      }
    }
    importPlan = null;
    return { created: plan.create, updated: plan.update, unchanged: plan.unchanged, skipped: skipBad ? plan.bad : 0, plan };
  });
}

// ---------- search ----------

/** Lower case, no diacritics, đ → d, one space between words (as Rust folds for its index). */
function foldText(s) {
  return String(s ?? "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d");
}

/** The original text around the first place `word` occurs (folded), "…" where it is cut. */
function snippetOf(text, word) {
  const chars = [...String(text)];
  let folded = "";
  const at = []; // folded index → original char index
  chars.forEach((ch, i) => {
    const f = foldText(ch);
    for (let k = 0; k < f.length; k++) at.push(i);
    folded += f;
  });
  const hit = folded.indexOf(word);
  if (hit < 0) return chars.slice(0, 80).join("") + (chars.length > 80 ? "…" : "");
  const start = Math.max(0, at[hit] - 30);
  const end = Math.min(chars.length, at[hit] + word.length + 50);
  return (start > 0 ? "…" : "") + chars.slice(start, end).join("").trim() + (end < chars.length ? "…" : "");
}

function searchRecords() {
  const out = [];
  for (const u of store.units) out.push({ kind: "unit", id: u.id, label: u.name, fields: { name: u.name, short_name: u.short_name, code: u.code }, place: { to: "unit", unit_id: u.id } });
  for (const c of store.campaigns) out.push({ kind: "campaign", id: c.id, label: c.name, fields: { name: c.name, theme: c.theme, decision_number: c.decision_number }, place: { to: "campaign", campaign_id: c.id } });
  for (const v of store.visits) {
    const label = `${visitUnitName(v.id)} · ${dmy(v.date)}`;
    out.push({ kind: "visit", id: v.id, label, fields: { report_summary: v.report_summary, difficulties: v.difficulties, strengths: v.strengths, shortcomings: v.shortcomings, assessment: v.assessment }, place: { to: "visit", visit_id: v.id, item_code: null } });
    for (const [code, f] of Object.entries(store.findings[v.id] || {})) {
      const item = itemsOf(v.criteria_set_id).find((it) => it.code === code);
      out.push({ kind: "finding", id: f.id, label: `${visitUnitName(v.id)} · ${code} ${item ? item.title : ""}`, fields: { note: f.note, explanation: f.explanation }, place: { to: "visit", visit_id: v.id, item_code: code } });
    }
  }
  for (const r of store.recs) {
    const v = visitById(r.visit_id);
    out.push({ kind: "recommendation", id: r.id, label: `${visitUnitName(r.visit_id)} · ${dmy(v ? v.date : "")}`, fields: { text: r.text }, place: { to: "visit", visit_id: r.visit_id, item_code: null } });
  }
  return out;
}

export async function search(query, kind) {
  return call("search", { query, kind: kind || null }, () => {
    const words = foldText(query).split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    const hits = [];
    for (const rec of searchRecords()) {
      if (kind && rec.kind !== kind) continue;
      const all = Object.values(rec.fields).map(foldText).join(" ");
      if (!words.every((w) => all.includes(w))) continue;
      const field = Object.keys(rec.fields).find((k) => foldText(rec.fields[k]).includes(words[0])) || Object.keys(rec.fields)[0];
      hits.push({ kind: rec.kind, id: rec.id, label: rec.label, field, snippet: snippetOf(rec.fields[field], words[0]), place: rec.place });
      if (hits.length === 50) break;
    }
    return hits;
  });
}

// ---------- setup (secretariat) ----------

const CAMPAIGN_FIELDS = ["name", "year", "theme", "start_date", "end_date", "decision_number", "issuing_body", "place", "criteria_set_id", "report", "texts"];

function stored(rec) {
  return { id: rec.id, rev: rec.rev, body: bodyOf(rec.id) };
}

function checkCampaign(b) {
  if (!String(b.name ?? "").trim()) throw emptyText("name");
  if (!Number.isInteger(b.year) || b.year < 2000 || b.year > 2100) throw fail("bad_year", { year: b.year });
  if (b.start_date && b.end_date && b.end_date < b.start_date) throw fail("dates_reversed", { start: dmy(b.start_date), end: dmy(b.end_date) });
  if (b.criteria_set_id && !criteriaOf(b.criteria_set_id)) throw fail("not_found");
}

export async function campaignGet(id) {
  return call("campaign_get", { id }, () => {
    const c = campaignById(id);
    if (!c) throw fail("not_found");
    return stored(c);
  });
}

export async function campaignCreate(input) {
  return call("campaign_create", { input }, () => {
    const b = { theme: "", start_date: null, end_date: null, decision_number: "", issuing_body: "", place: "", criteria_set_id: null, ...clone(input), report: null };
    b.name = String(b.name ?? "").trim();
    checkCampaign(b);
    // The first campaign of an empty database gets the standard set.
    if (!b.criteria_set_id) b.criteria_set_id = store.criteria[0].id;
    const c = { id: newId("c"), rev: null };
    for (const k of CAMPAIGN_FIELDS) c[k] = b[k] ?? null;
    store.campaigns.push(c);
    c.rev = logWrite(c.id);
    return stored(c);
  });
}

export async function campaignUpdate(id, patch) {
  return call("campaign_update", { id, patch }, () => {
    const c = campaignById(id);
    if (!c) throw fail("not_found");
    const next = { ...clone(c) };
    for (const k of CAMPAIGN_FIELDS) if (patch && k in patch) next[k] = clone(patch[k]);
    next.name = String(next.name ?? "").trim();
    checkCampaign(next);
    c.rev = write(c.id, () => {
      for (const k of CAMPAIGN_FIELDS) c[k] = next[k] ?? null;
    });
    return stored(c);
  });
}

function inUse(setId) {
  return store.visits.filter((v) => v.criteria_set_id === setId).length;
}

export async function criteriaList() {
  return call("criteria_list", undefined, () =>
    [...store.criteria]
      .sort((a, b) => b.body.version - a.body.version || collator.compare(a.body.name, b.body.name))
      .map((c) => ({ id: c.id, code: c.body.code, name: c.body.name, version: c.body.version, items: c.body.topics.reduce((n, tp) => n + tp.items.length, 0), in_use: inUse(c.id) })),
  );
}

export async function criteriaGet(id) {
  return call("criteria_get", { id }, () => {
    const c = criteriaOf(id);
    if (!c) throw fail("not_found");
    return { id: c.id, rev: c.rev, body: clone(c.body) };
  });
}

function checkCriteria(set) {
  if (!set.topics || !set.topics.length) throw fail("criteria_empty");
  const codes = new Set();
  const code = (c, title) => {
    if (!c) throw fail("missing_code", { title });
    if (codes.has(c)) throw fail("duplicate_code", { code: c });
    codes.add(c);
  };
  for (const tp of set.topics) {
    code(String(tp.code ?? "").trim(), tp.title);
    if (!String(tp.title ?? "").trim()) throw fail("missing_title", { code: tp.code });
    if (!tp.items || !tp.items.length) throw fail("topic_empty", { topic: tp.title });
    for (const it of tp.items) {
      code(String(it.code ?? "").trim(), it.title);
      if (!String(it.title ?? "").trim()) throw fail("missing_title", { code: it.code });
      if (it.scale === "points" && !(Number(it.max_points) > 0)) throw fail("max_points", { code: it.code });
      if (it.scale === "pass_fail" && it.max_points != null) throw fail("points_on_pass_fail", { code: it.code });
    }
  }
}

/** As Rust's `follow`: `campaign`, or else campaigns defaulting to `from` with nothing rated against it, move to `to`. */
function followSet(campaign, from, to) {
  const rated = (v) => Object.keys(store.findings[v.id] || {}).length > 0;
  const candidates = campaign ? store.campaigns.filter((x) => x.id === campaign) : store.campaigns.filter((x) => x.criteria_set_id === from);
  const moved = [];
  let visits = 0;
  for (const x of candidates) {
    const own = store.visits.filter((v) => v.campaign_id === x.id && v.criteria_set_id === from);
    if (!campaign && own.some(rated)) continue;
    if (x.criteria_set_id === from) x.rev = write(x.id, () => (x.criteria_set_id = to));
    for (const v of own.filter((v) => !rated(v))) {
      v.criteria_set_id = to;
      visits++;
    }
    moved.push(x.id);
  }
  return { campaigns_moved: moved, visits_moved: visits };
}

export async function criteriaSave(id, set, campaign = null) {
  return call("criteria_save", { id, set, campaign }, () => {
    const c = criteriaOf(id);
    if (!c) throw fail("not_found");
    const body = clone(set);
    checkCriteria(body);
    if (body.code !== c.body.code) throw fail("criteria_code_changed", { from: c.body.code, to: body.code });
    if (!inUse(c.id)) {
      body.version = c.body.version;
      c.rev = write(c.id, () => (c.body = body));
      return { id: c.id, rev: c.rev, version: body.version, new_version: false, campaigns_moved: [], visits_moved: 0 };
    }
    // Visits that use this version keep it; the change becomes the next version.
    body.version = Math.max(...store.criteria.filter((x) => x.body.code === c.body.code).map((x) => x.body.version)) + 1;
    const next = { id: newId("crit-"), rev: null, body };
    store.criteria.push(next);
    next.rev = logWrite(next.id);
    return { id: next.id, rev: next.rev, version: body.version, new_version: true, ...followSet(campaign, c.id, next.id) };
  });
}

export async function criteriaCopy(id, code, name, campaign = null) {
  return call("criteria_copy", { id, code, name, campaign }, () => {
    const c = criteriaOf(id);
    if (!c) throw fail("not_found");
    const body = { ...clone(c.body), code: String(code || "").trim(), name: String(name || "").trim(), version: 1 };
    if (!body.name) throw emptyText("name");
    if (!body.code) throw fail("missing_code", { title: body.name });
    if (store.criteria.some((x) => x.body.code.toLowerCase() === body.code.toLowerCase())) throw fail("criteria_code_exists", { code: body.code });
    const next = { id: newId("crit-"), rev: null, body };
    store.criteria.push(next);
    next.rev = logWrite(next.id);
    const followed = campaign ? followSet(campaign, c.id, next.id) : { campaigns_moved: [], visits_moved: 0 };
    return { id: next.id, rev: next.rev, version: 1, new_version: true, ...followed };
  });
}

/** Members as typed → [{inspector_id, role}] (new people are created only when all is well). */
function resolveMembers(members) {
  const out = [];
  const created = [];
  const titles = [];
  for (const m of members || []) {
    let id = m.inspector_id || null;
    if (id) {
      if (!store.inspectors.some((p) => p.id === id)) throw fail("not_found");
    } else {
      const name = String(m.full_name ?? "").trim().normalize("NFC");
      if (!name) throw fail("member_unnamed");
      const found = store.inspectors.filter((p) => p.full_name === name);
      const pending = created.find((p) => p.full_name === name);
      if (found.length) id = found[0].id;
      else if (pending) id = pending.id;
      else {
        const p = { id: newId("i"), full_name: name, title: "" };
        created.push(p);
        id = p.id;
      }
    }
    if (out.some((x) => x.inspector_id === id)) {
      const p = store.inspectors.find((x) => x.id === id) || created.find((x) => x.id === id);
      throw fail("member_twice", { name: p.full_name });
    }
    out.push({ inspector_id: id, role: m.role || "member" });
    if (typeof m.title === "string") titles.push({ id, title: m.title.trim().normalize("NFC") });
  }
  const heads = out.filter((m) => m.role === "head").map((m) => (store.inspectors.find((p) => p.id === m.inspector_id) || created.find((p) => p.id === m.inspector_id)).full_name);
  if (heads.length > 1) throw fail("two_heads", { n: heads.length, names: heads.join(", ") });
  return { members: out, created, titles };
}

// As Rust does: a position typed in the team form becomes the inspector's title.
function applyTitles(titles) {
  for (const { id, title } of titles) {
    const p = store.inspectors.find((x) => x.id === id);
    if (p) p.title = title;
  }
}

function checkTeamName(campaignId, name, self) {
  if (!name) throw emptyText("name");
  if (store.teams.some((t) => t.campaign_id === campaignId && t.id !== self && t.name === name)) throw fail("team_name_taken", { name });
}

export async function teamCreate(input) {
  return call("team_create", { input }, () => {
    const c = campaignById(input.campaign_id);
    if (!c) throw fail("not_found");
    const name = String(input.name ?? "").trim();
    checkTeamName(c.id, name, null);
    const { members, created, titles } = resolveMembers(input.members);
    store.inspectors.push(...created);
    applyTitles(titles);
    const tm = { id: newId("t"), rev: null, campaign_id: c.id, name, members };
    store.teams.push(tm);
    tm.rev = logWrite(tm.id);
    return stored(tm);
  });
}

export async function teamUpdate(id, patch) {
  return call("team_update", { id, patch }, () => {
    const tm = teamById(id);
    if (!tm) throw fail("not_found");
    const name = patch && "name" in patch ? String(patch.name ?? "").trim() : tm.name;
    checkTeamName(tm.campaign_id, name, tm.id);
    const resolved = patch && patch.members ? resolveMembers(patch.members) : null;
    if (resolved) store.inspectors.push(...resolved.created);
    if (resolved) applyTitles(resolved.titles);
    tm.rev = write(tm.id, () => {
      tm.name = name;
      if (resolved) tm.members = resolved.members;
    });
    return stored(tm);
  });
}

export async function teamDelete(id) {
  return call("team_delete", { id }, () => {
    const tm = teamById(id);
    if (!tm) throw fail("not_found");
    const visits = store.visits.filter((v) => v.team_id === tm.id).length;
    if (visits) throw fail("team_has_visits", { team: tm.name, visits });
    const before = bodyOf(tm.id);
    store.teams = store.teams.filter((t) => t !== tm);
    logWrite(tm.id, { deleted: true, before });
    return null;
  });
}

export async function unitsState(campaign) {
  return call("units_state", { campaign }, () => {
    const c = campaignById(campaign);
    if (!c) throw fail("not_found");
    return treeRows(isLive)
      .filter((row) => isLive(unitById(row.id)))
      .map((row) => {
        const v = store.visits.find((x) => x.campaign_id === c.id && x.unit_id === row.id);
        return { unit: row, visit: v ? visitRow(v) : null };
      });
  });
}

export async function visitsPlan(campaign, entries) {
  return call("visits_plan", { campaign, entries }, () => {
    const c = campaignById(campaign);
    if (!c) throw fail("not_found");
    const seen = new Set();
    // All or nothing: every entry is checked before anything is written.
    for (const e of entries || []) {
      const u = unitById(e.unit_id);
      if (!u) throw fail("not_found");
      if (!isLive(u)) throw fail("unit_ended", { unit: u.name, until: dmy(u.valid_to) });
      if (seen.has(u.id) || store.visits.some((v) => v.campaign_id === c.id && v.unit_id === u.id)) throw fail("visit_exists", { unit: u.name, campaign: c.name });
      seen.add(u.id);
      if (e.team_id) {
        const tm = teamById(e.team_id);
        if (!tm) throw fail("not_found");
        if (tm.campaign_id !== c.id) throw fail("team_elsewhere", { team: tm.name });
      }
      outsideCheck(c, u, e.date, e.outside_campaign);
    }
    return (entries || []).map((e) => {
      const v = blankVisit(String(store.nextId++), c.id, String(e.unit_id), e.team_id || null, e.date || null, "planned", c.criteria_set_id);
      store.visits.push(v);
      store.findings[v.id] = {};
      v.rev = logWrite(v.id);
      return stored(v);
    });
  });
}

/** The store's rule: a day outside the campaign's dates only when meant. */
function outsideCheck(c, u, date, meant) {
  if (!date || meant) return;
  if ((c.start_date && date < c.start_date) || (c.end_date && date > c.end_date)) {
    const span = c.start_date && c.end_date ? `${dmy(c.start_date)} – ${dmy(c.end_date)}` : dmy(c.start_date || c.end_date);
    throw fail("visit_outside_campaign", { unit: u.name, date: dmy(date), span });
  }
}

function teamNameOf(id) {
  const tm = id ? teamById(id) : null;
  return tm ? tm.name : "";
}

export async function visitReschedule(id, team, date, why) {
  return call("visit_reschedule", { id, team: team || null, date: date || null, why: why || null }, () => {
    const v = visitById(id);
    if (!v) throw fail("not_found");
    if (v.status === "signed") throw lockedError(v);
    if (team) {
      const tm = teamById(team);
      if (!tm) throw fail("not_found");
      if (tm.campaign_id !== v.campaign_id) throw fail("team_elsewhere", { team: tm.name });
    }
    if ((v.team_id || null) === (team || null) && (v.date || null) === (date || null)) return stored(v);
    if (date && date !== v.date) outsideCheck(campaignById(v.campaign_id), unitById(v.unit_id), date, why && why.outside_campaign);
    v.rev = write(v.id, () => {
      v.plan_changes = [...(v.plan_changes || []), { at: new Date().toISOString(), by: "Mock — Máy thử", reason: (why && why.reason) || "", date_from: v.date || null, date_to: date || null, team_from: teamNameOf(v.team_id), team_to: teamNameOf(team) }];
      v.team_id = team || null;
      v.date = date || null;
    });
    return stored(v);
  });
}

export async function visitCancel(id, reason) {
  return call("visit_cancel", { id, reason }, () => {
    const v = visitById(id);
    if (!v) throw fail("not_found");
    if (!String(reason || "").trim()) throw fail("cancel_needs_reason");
    if (v.status !== "planned") throw fail("visit_started", { unit: visitUnitName(v.id), status: STATUS_LABELS[lang()][v.status] });
    const before = bodyOf(v.id);
    const unitName = visitUnitName(v.id);
    store.visits = store.visits.filter((x) => x !== v);
    const at = new Date().toISOString();
    (store.cancelled ||= []).push({ id: v.id, campaign_id: v.campaign_id, unit_id: v.unit_id, unit_name: unitName, date: v.date || null, team_name: teamNameOf(v.team_id), reason: String(reason).trim(), at, by: "Mock — Máy thử" });
    logWrite(v.id, { deleted: true, before });
    return null;
  });
}

function liveUnit(id) {
  const u = unitById(id);
  if (!u) throw fail("not_found");
  if (!isLive(u)) throw fail("unit_ended", { unit: u.name, until: dmy(u.valid_to) });
  return u;
}

function isUnder(u, ancestorId) {
  for (let x = u; x; x = unitById(x.parent_id)) if (x.id === ancestorId) return true;
  return false;
}

function checkUnit(b, self) {
  if (!String(b.name ?? "").trim()) throw emptyText("name");
  // As Rust's Unit::too_long (UNIT_NAME_MAX 200, UNIT_CODE_MAX 50).
  for (const [field, max] of [["name", 200], ["short_name", 200], ["code", 50], ["level_label", 200]]) {
    const n = [...String(b[field] ?? "").normalize("NFC").trim()].length;
    if (n > max) throw { code: "invalid_input", message: fail("too_long", { field: FIELD_NAMES[lang()][field] || field, n, max }).message };
  }
  if (b.code) {
    const other = store.units.find((u) => u.id !== self && isLive(u) && u.code === b.code);
    if (other) throw fail("unit_code_taken", { code: b.code, other: other.name });
  }
  if (store.units.some((u) => u.id !== self && isLive(u) && (u.parent_id || null) === (b.parent_id || null) && u.name === b.name)) throw fail("unit_name_taken", { name: b.name });
  if (b.parent_id) liveUnit(b.parent_id);
}

const UNIT_FIELDS = ["name", "short_name", "code", "kind", "level_label", "valid_from", "valid_to"];

export async function unitCreate(input) {
  return call("unit_create", { input }, () => {
    const b = { short_name: "", code: "", kind: "", level_label: "", parent_id: null, valid_from: null, valid_to: null, ...clone(input) };
    b.name = String(b.name ?? "").trim();
    b.parent_id = b.parent_id || null;
    checkUnit(b, null);
    const u = { id: newId("u"), rev: null, parent_id: b.parent_id, name: b.name, short_name: b.short_name, code: b.code, kind: b.kind, level_label: b.level_label, valid_from: b.valid_from, valid_to: b.valid_to, merged_into: null };
    store.units.push(u);
    u.rev = logWrite(u.id);
    return stored(u);
  });
}

export async function unitUpdate(id, patch) {
  return call("unit_update", { id, patch }, () => {
    const u = liveUnit(id);
    const next = { ...clone(u) };
    for (const k of UNIT_FIELDS) if (patch && k in patch) next[k] = patch[k];
    next.name = String(next.name ?? "").trim();
    checkUnit(next, u.id);
    u.rev = write(u.id, () => {
      for (const k of UNIT_FIELDS) u[k] = next[k];
    });
    return stored(u);
  });
}

export async function unitMove(id, parent) {
  return call("unit_move", { id, parent: parent || null }, () => {
    const u = liveUnit(id);
    const p = parent ? liveUnit(parent) : null;
    if (p && isUnder(p, u.id)) throw fail("unit_cycle", { unit: u.name, parent: p.name });
    checkUnit({ ...u, parent_id: p ? p.id : null }, u.id);
    u.rev = write(u.id, () => (u.parent_id = p ? p.id : null));
    return stored(u);
  });
}

export async function unitMerge(from, into, date) {
  return call("unit_merge", { from, into, date }, () => {
    if (!from || !from.length) throw fail("nothing_to_merge");
    const target = liveUnit(into);
    const units = from.map(liveUnit);
    for (const u of units) {
      if (u.id === target.id) throw fail("merge_into_itself", { unit: u.name });
      if (isUnder(target, u.id)) throw fail("merge_into_descendant", { unit: u.name, into: target.name });
    }
    const moved = [];
    for (const u of units) {
      for (const child of store.units.filter((x) => x.parent_id === u.id && isLive(x))) {
        child.rev = write(child.id, () => (child.parent_id = target.id));
        moved.push(child.id);
      }
      u.rev = write(u.id, () => {
        u.valid_to = date;
        u.merged_into = target.id;
      });
    }
    return { into: target.id, merged: units.map((u) => u.id), moved };
  });
}

export async function unitDissolve(id, date) {
  return call("unit_dissolve", { id, date }, () => {
    const u = liveUnit(id);
    const children = store.units.filter((x) => x.parent_id === u.id && isLive(x));
    if (children.length) throw fail("unit_has_children", { unit: u.name, n: children.length, names: children.slice(0, 3).map((c) => c.name).join(", ") });
    u.rev = write(u.id, () => (u.valid_to = date));
    return stored(u);
  });
}

// ---------- reports ----------

let previews = 0;

function visitWarnings(v) {
  const unitName = visitUnitName(v.id);
  const out = [];
  if (v.status === "completed") out.push({ code: "not_signed", vi: `${unitName}: biên bản chưa ký.`, en: `${unitName}: the minutes are not signed.` });
  else if (v.status !== "signed") out.push({ code: "not_completed", vi: `${unitName}: buổi kiểm tra chưa hoàn thành (${STATUS_LABELS.vi[v.status]}).`, en: `${unitName}: the visit is not completed (${STATUS_LABELS.en[v.status]}).` });
  if (!v.team_id) out.push({ code: "no_team", vi: `${unitName}: chưa phân công đoàn kiểm tra.`, en: `${unitName}: no team assigned.` });
  if (visitInConflict(v.id)) out.push({ code: "conflict", vi: `${unitName}: còn xung đột chưa giải quyết; số liệu lấy theo phiên bản đang hiển thị.`, en: `${unitName}: unresolved conflict; figures use the version currently shown.` });
  return out;
}

function reportTarget(target, id) {
  if (target === "campaign") {
    const c = campaignById(id);
    if (!c) throw fail("not_found");
    return { campaign: c, visits: store.visits.filter((v) => v.campaign_id === c.id).sort((a, b) => collator.compare(visitUnitName(a.id), visitUnitName(b.id))) };
  }
  if (target === "visit") {
    const v = visitById(id);
    if (!v) throw fail("not_found");
    return { campaign: campaignById(v.campaign_id), visits: [v] };
  }
  throw fail("not_found");
}

export async function reportPreview(target, id) {
  return call("report_preview", { target, id }, () => {
    const { visits } = reportTarget(target, id);
    previews++;
    const warnings = visits.flatMap(visitWarnings);
    return { url: `__mock/preview/${previews}.html?target=${encodeURIComponent(target)}&id=${encodeURIComponent(id)}`, warnings, draft: visits.some((v) => v.status !== "signed") };
  });
}

// As Rust suggests them: the signed visits' strengths, shortcomings and difficulties, one line per unit.
export async function reportTextsSuggest(campaign) {
  return call("report_texts_suggest", { campaign }, () => {
    const { visits } = reportTarget("campaign", campaign);
    const signed = visits.filter((v) => v.status === "signed");
    const lines = (k) => signed.filter((v) => v[k].trim()).map((v) => `- ${visitUnitName(v.id)}: ${v[k].split("\n").map((l) => l.trim()).filter(Boolean).join(" ")}`).join("\n");
    return { assessment: "", strengths: lines("strengths"), shortcomings: lines("shortcomings"), causes_objective: lines("difficulties"), causes_subjective: "", proposals: "" };
  });
}

function slug(s) {
  return foldText(s).replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

export async function reportExport(target, id, format) {
  return call("report_export", { target, id, format }, async () => {
    const { campaign, visits } = reportTarget(target, id);
    const formats = target === "campaign" ? ["docx", "xlsx", "html"] : ["docx", "html"];
    if (!formats.includes(format)) throw { code: "invalid_input", message: lang() === "en" ? `Format "${format}" is not available here.` : `Không xuất được dạng "${format}" cho văn bản này.` };
    const step = Math.max(20, LATENCY / 2);
    emit("report://progress", { done: 0, total: 3 });
    await delay(step);
    emit("report://progress", { done: 1, total: 3 });
    if (window.__mockHoldExport) {
      await new Promise((resolve) => (window.__mockReleaseExport = resolve));
      window.__mockHoldExport = false;
    }
    await delay(step);
    emit("report://progress", { done: 2, total: 3 });
    if (dialogCancelled()) return null;
    await delay(step);
    emit("report://progress", { done: 3, total: 3 });
    const name = target === "campaign" ? `Bao-cao-ket-qua-kiem-tra-${campaign.year}` : `Bien-ban-kiem-tra-${slug(visitUnitName(visits[0].id))}`;
    return `C:\\Users\\canbo\\Documents\\Kiểm tra\\${name}.${format}`;
  });
}

export async function reportPrint() {
  return call("report_print", undefined, () => {
    if (!previews) throw fail("not_found");
    return null;
  });
}

export async function onReportProgress(handler) {
  return listen("report://progress", handler);
}

// ---------- sync ----------

const SELF = DEVICES.self;
const TEAM1 = DEVICES.team1;
const TEAM3 = DEVICES.team3;
const TEAM2 = DEVICES.team2;

const sync = {
  devices: [],
  imports: [],
  conflicts: [],
  pickedOk: [], // the ok files of the last bundle_pick (as Rust keeps them)
  nextRev: 1,
};

function unitOfVisit(visitId) {
  return { name: visitUnitName(visitId) };
}

function rev(gen) {
  const n = sync.nextRev++;
  return `${gen}-${hexKey(100000 + n).slice(0, 32)}`;
}

function visitBodyOf(v) {
  const { id, rev, ...body } = clone(v);
  return body;
}

function findingBody(visitId, code, f) {
  return { visit_id: String(visitId), item_code: code, rating: f.rating ?? null, points: f.points ?? null, note: f.note ?? "", explanation: f.explanation ?? "" };
}

// The fields core counts as typed text (what search indexes): the screen offers a box for them.
const TEXT_FIELDS = { campaign: ["name", "theme"], unit: ["name", "short_name", "code"], visit: ["report_summary", "difficulties", "strengths", "shortcomings", "assessment"], finding: ["note", "explanation"], recommendation: ["text"] };

/** A conflict in the shape of conflicts_list; versions[0] is the winner; `ancestor` the body they were edited from, if any. */
function makeConflict(id, kind, label, versions, ancestor = null) {
  const keys = [...new Set(versions.flatMap((v) => Object.keys(v.body)))].sort();
  const fields = keys
    .map((k) => {
      const values = versions.map((v) => (k in v.body ? v.body[k] : null));
      const before = ancestor && k in ancestor ? ancestor[k] : null;
      const text = (TEXT_FIELDS[kind] || []).includes(k) && [...values, before].every((x) => x === null || typeof x === "string");
      return { field: k, values, ancestor: before, text };
    })
    .filter((f) => f.values.some((x) => JSON.stringify(x) !== JSON.stringify(f.values[0])));
  const common = ancestor ? { rev: `1-${hexKey(99).slice(0, 32)}`, body: ancestor } : null;
  return { id, kind, label, winner: versions[0].rev, versions: versions.map((v, i) => ({ ...v, is_winner: i === 0 })), ancestor: common, fields };
}

function findingConflict(id, visitId, code, versions, ancestor = null) {
  const map = (store.findings[visitId] ||= {});
  const w = versions[0].body;
  map[code] = { id: map[code] ? map[code].id : `f${store.nextId++}`, rating: w.rating, points: w.points, note: w.note, explanation: w.explanation, rev: 3 };
  const meta = { visit_id: visitId, item_code: code };
  return { ...makeConflict(id, "finding", `Tiêu chí ${code} · ${unitOfVisit(visitId).name}`, versions, ancestor), meta };
}

function buildSync() {
  sync.devices = [SELF, TEAM1, TEAM3].map(clone);
  sync.imports = [
    { at: "2023-11-10T09:02:18.774Z#0000", file_name: "kiemtra-Laptop-Doan-kiem-tra-so-1-20231110-1540.kiemtra", device_id: TEAM1.id, device_name: TEAM1.name, created_at: "2023-11-10T08:40:09.031Z#0001", revisions: 4012, new_revisions: 1531, conflicts: 1 },
    { at: "2023-11-09T11:20:40.001Z#0000", file_name: "kiemtra-Laptop-Doan-kiem-tra-so-3-20231109-1805.kiemtra", device_id: TEAM3.id, device_name: TEAM3.name, created_at: "2023-11-09T11:05:44.900Z#0000", revisions: 3120, new_revisions: 1877, conflicts: 1 },
    { at: "2023-11-08T10:05:12.220Z#0000", file_name: "kiemtra-Laptop-Doan-kiem-tra-so-1-20231108-1648.kiemtra", device_id: TEAM1.id, device_name: TEAM1.name, created_at: "2023-11-08T09:48:03.118Z#0002", revisions: 2481, new_revisions: 2481, conflicts: 0 },
  ];
  // 1. a finding of visit 17, item 5.3: the note was written on two laptops
  const base53 = { rating: "dat", points: null, explanation: "" };
  sync.conflicts.push(
    findingConflict("0193f2a1-5c3e-7b21-9d4e-1f0a2b3c4d5e", "17", "5.3", [
      { rev: rev(3), device_id: TEAM3.id, device_name: TEAM3.name, hlc: "2023-11-09T03:14:22.512Z#0000", body: findingBody("17", "5.3", { ...base53, note: "Sổ đoàn viên được quản lý tại văn phòng Đoàn, có ghi nhận xét năm 2022 và 2023." }) },
      { rev: rev(3), device_id: SELF.id, device_name: SELF.name, hlc: "2023-11-09T02:51:07.090Z#0001", body: findingBody("17", "5.3", { ...base53, note: "Sổ đoàn viên quản lý đầy đủ; 3 sổ chưa ghi nhận xét năm 2023 (chi đoàn Văn phòng, Tài chính, Nội vụ)." }) },
    ], findingBody("17", "5.3", { ...base53, note: "Sổ đoàn viên được quản lý tại văn phòng Đoàn." })),
  );
  // 2. a recommendation of visit 8: text and authority changed on three laptops
  const rec = store.recs.find((r) => r.visit_id === "8");
  if (rec) {
    const text = rec.text;
    const v1 = recBody(rec);
    const v2 = { ...v1, text: text.replace(/\.$/, " trong quý I/2024; mỗi huyện ít nhất 01 lớp.") };
    const v3 = { ...v1, authority: "party" };
    const c = makeConflict(String(rec.id), "recommendation", `Kiến nghị · ${unitOfVisit("8").name}`, [
      { rev: rev(4), device_id: TEAM1.id, device_name: TEAM1.name, hlc: "2023-11-10T07:33:41.006Z#0000", body: v1 },
      { rev: rev(4), device_id: SELF.id, device_name: SELF.name, hlc: "2023-11-10T02:18:55.640Z#0000", body: v2 },
      { rev: rev(4), device_id: TEAM3.id, device_name: TEAM3.name, hlc: "2023-11-09T09:47:12.300Z#0002", body: v3 },
    ], v1);
    c.meta = { visit_id: "8", rec_id: rec.id };
    sync.conflicts.push(c);
  }
  // ?signing=1: visit 5's minutes signed on this laptop while team 2's laptop, not having
  // seen the signing, edited the assessment: a conflict "changed while being signed".
  const v5 = store.visits.find((v) => v.id === "5");
  if (params.get("signing") === "1" && v5) {
    const signed = { ...visitBodyOf(v5), status: "signed" };
    const edited = { ...visitBodyOf(v5), status: "completed", assessment: "Nhìn chung đơn vị thực hiện tốt; cần bổ sung sổ sách tháng 10." };
    const c = makeConflict(String(v5.id), "visit", `Biên bản · ${unitOfVisit("5").name}`, [
      { rev: rev(6), device_id: SELF.id, device_name: SELF.name, person: "Trần Thị Lan", hlc: "2023-11-10T09:30:00.000Z#0000", body: signed },
      { rev: rev(6), device_id: TEAM2.id, device_name: TEAM2.name, person: "Bùi Quang Huy", hlc: "2023-11-10T09:41:12.000Z#0000", body: edited },
    ]);
    c.while_signing = true;
    c.meta = { visit_id: "5" };
    sync.conflicts.unshift(c);
  }
}

if (store.campaigns.length) buildSync();
else sync.devices = [clone(SELF)];

function visitInConflict(visitId) {
  return sync.conflicts.some((c) => c.meta && c.meta.visit_id === visitId);
}

function findingInConflict(visitId, code) {
  return sync.conflicts.some((c) => c.kind === "finding" && c.meta && c.meta.visit_id === visitId && c.meta.item_code === code);
}

function recInConflict(recId) {
  return sync.conflicts.some((c) => c.kind === "recommendation" && c.meta && c.meta.rec_id === recId);
}

function publicConflict(c) {
  const { meta, ...rest } = c;
  return rest;
}

/** Write a resolved body back into the store (what the screens read). */
function applyBody(c, body) {
  if (c.kind === "finding") {
    const f = store.findings[c.meta.visit_id][c.meta.item_code];
    const before = bodyOf(f.id);
    Object.assign(f, { rating: body.rating, points: body.points, note: body.note, explanation: body.explanation, rev: f.rev + 1 });
    logWrite(f.id, { before });
  } else if (c.kind === "recommendation") {
    const r = store.recs.find((x) => x.id === c.meta.rec_id);
    r.rev = write(r.id, () => Object.assign(r, { text: body.text, raised_by: body.raised_by, authority: body.authority, status: body.status, due_date: body.due_date ?? null }));
  }
}

/** A new team laptop's introduction, and another office's campaign: refused until enrolled or trusted. */
function strangerFiles() {
  const lang = store.lang;
  const newcomer = { id: "dev-5a77", name: "Máy Đoàn kiểm tra số 4", public_key: hexKey(17), people: [{ name: "Hoàng Minh Tuấn", position: "Ủy viên Ban Thường vụ Tỉnh đoàn" }] };
  const office = { id: "dev-0ff1", name: "Máy Tỉnh đoàn Hà Nam", public_key: hexKey(19), people: [] };
  return [
    {
      file: "kiemtra-May-Doan-kiem-tra-so-4-20231106-0815.kiemtra",
      ok: false,
      error: { code: "unknown_laptop", message: lang === "en" ? "Laptop “Máy Đoàn kiểm tra số 4” is not enrolled in any campaign here, so nothing was imported." : "Máy “Máy Đoàn kiểm tra số 4” chưa được ghi danh vào đợt kiểm tra nào ở máy này nên chưa nhập gì." },
      stranger: { device_id: newcomer.id, name: newcomer.name, public_key: newcomer.public_key, people: newcomer.people, fingerprint: fingerprintOf(newcomer.public_key), campaign_id: null, campaign_name: null },
      introduces: newcomer,
    },
    {
      file: "kiemtra-Tinh-doan-Ha-Nam-20231101-1400.kiemtra",
      ok: false,
      error: { code: "untrusted_owner", message: lang === "en" ? "Campaign belongs to a laptop this laptop does not trust; nothing imported." : "Đợt kiểm tra thuộc máy mà máy này chưa tin cậy; chưa nhập gì." },
      stranger: { device_id: office.id, name: office.name, public_key: office.public_key, people: [], fingerprint: fingerprintOf(office.public_key), campaign_id: "c-hn", campaign_name: "Kiểm tra công tác Đoàn năm 2023 — Tỉnh đoàn Hà Nam" },
      introduces: office,
    },
  ];
}

/** What a refused file previews as once its laptop is enrolled or trusted. */
function accepted(f) {
  const d = f.introduces;
  return {
    file: f.file,
    ok: true,
    report: { file: "E:\\" + f.file, device: { id: d.id, name: d.name, public_key: d.public_key, people: d.people }, fingerprint: fingerprintOf(d.public_key), inspector: "", created_at: "2023-11-06T01:15:09.120Z#0000", campaign_id: null, new_device: true, revisions: 1, new_revisions: 1, known_revisions: 0, new_conflicts: 0, clock_ahead: 0, files: 0, new_files: 0, dry_run: true },
  };
}

function pickedFiles() {
  const lang = store.lang;
  const mode = window.__mockPickMode || "";
  const refused = (file) => ({ file, ok: false, error: { code: "bad_bundle", message: (MESSAGES[lang] || MESSAGES.vi).bad_bundle } });
  if (mode === "bad") return [refused("kiemtra-Huyen-doan-Kim-Son-20231110.kiemtra"), refused("ban-sao-cu.kiemtra")];
  if (mode === "stranger") return strangerFiles();
  const a = {
    file: "kiemtra-Laptop-Doan-kiem-tra-so-2-20231110-1712.kiemtra",
    ok: true,
    report: { file: "E:\\kiemtra-Laptop-Doan-kiem-tra-so-2-20231110-1712.kiemtra", device: { id: TEAM2.id, name: TEAM2.name, public_key: TEAM2.public_key }, fingerprint: fingerprintOf(TEAM2.public_key), inspector: "Bùi Quang Huy", created_at: "2023-11-10T10:12:31.508Z#0000", campaign_id: "c1", new_device: true, revisions: 6204, new_revisions: 5987, known_revisions: 217, new_conflicts: 1, clock_ahead: 12, changed_after_signing: [{ visit_id: "4", unit: "Đoàn xã Yên Sơn", count: 1 }], encrypted_to: [{ kind: "laptop", name: TEAM2.name }, { kind: "laptop", name: SELF.name }, { kind: "recovery" }], dry_run: true },
  };
  const b = {
    file: "kiemtra-Laptop-Doan-kiem-tra-so-1-20231110-1730.kiemtra",
    ok: true,
    report: { file: "E:\\kiemtra-Laptop-Doan-kiem-tra-so-1-20231110-1730.kiemtra", device: { id: TEAM1.id, name: TEAM1.name, public_key: TEAM1.public_key }, fingerprint: fingerprintOf(TEAM1.public_key), inspector: "Phạm Thị Lan Anh", created_at: "2023-11-10T10:30:02.177Z#0003", campaign_id: "c1", new_device: false, revisions: 4230, new_revisions: 218, known_revisions: 4012, new_conflicts: 0, clock_ahead: 0, dry_run: true },
  };
  if (mode === "evil") {
    a.file = '<b>goi</b><img src=x onerror="window.__xss=1">.kiemtra';
    a.report.device.name = '<img src=x onerror="window.__xss=2">Máy lạ';
    a.report.inspector = "<script>window.__xss=3</script>";
    return [a, { file: "<i>hong</i>.kiemtra", ok: false, error: { code: "bad_bundle", message: '<img src=x onerror="window.__xss=4">sai chữ ký' } }];
  }
  return [a, b, refused("kiemtra-Huyen-doan-Kim-Son-20231110.kiemtra")];
}

export async function syncOverview() {
  return call("sync_overview", undefined, () => ({
    devices: sync.devices.map((d) => ({ ...d, fingerprint: d.public_key ? fingerprintOf(d.public_key) : null })),
    imports: sync.imports,
    conflict_count: sync.conflicts.length,
    campaigns: store.campaigns.map((c) => ({ id: String(c.id), name: c.name, year: c.year })),
  }));
}


function mockReaders() {
  return [
    { id: SELF.id, name: SELF.name },
    { id: TEAM1.id, name: TEAM1.name },
    { id: TEAM3.id, name: TEAM3.name },
    { id: "recovery", name: "" },
  ];
}

export async function bundleReaders(campaign) {
  return call("bundle_readers", { campaign }, () => ({ readers: mockReaders(), without_key: [TEAM2.name], introduction: false }));
}

export async function bundleExport(campaign, plain = false) {
  return call("bundle_export", { campaign, plain }, () => {
    if (dialogCancelled()) return null;
    const one = campaign !== null && campaign !== undefined;
    if (one && !store.campaigns.some((c) => String(c.id) === String(campaign))) throw fail("not_found");
    return {
      path: `C:\\Users\\canbo\\Documents\\Kiểm tra\\kiemtra-Laptop-Ban-XDD-03-20231110-1642.kiemtra`,
      revisions: one ? 9816 : 12480,
      records: one ? 2204 : 2873,
      bytes: one ? 1893376 : 2411724,
      readers: plain ? null : mockReaders(),
      without_key: plain ? [] : [TEAM2.name],
      introduction: false,
    };
  });
}

export async function bundlePick() {
  return call("bundle_pick", undefined, () => {
    if (dialogCancelled()) return null;
    const files = pickedFiles();
    sync.picked = files;
    sync.pickedOk = files.filter((f) => f.ok);
    // What Rust returns: the file outcomes, without the mock's own notes.
    return { files: files.map(({ introduces, ...f }) => f) };
  });
}

export async function bundleImport() {
  return call("bundle_import", undefined, async () => {
    const todo = sync.pickedOk;
    sync.pickedOk = [];
    const step = Math.max(20, LATENCY / 2);
    const out = [];
    for (let i = 0; i < todo.length; i++) {
      const f = todo[i];
      const total = f.report.revisions;
      const last = i === todo.length - 1;
      for (let done = 0; ; done = Math.min(done + 2000, total)) {
        emit("sync://progress", { file_index: i + 1, file_count: todo.length, file: f.file, done, total });
        if (last && done === 2000 && window.__mockHoldImport) {
          await new Promise((resolve) => (window.__mockReleaseImport = resolve));
          window.__mockHoldImport = false;
        }
        if (done >= total) break;
        await delay(step);
      }
      const report = { ...f.report, dry_run: false };
      out.push({ file: f.file, ok: true, report });
      const dev = report.device;
      if (!sync.devices.some((d) => d.id === dev.id)) sync.devices.push({ id: dev.id, name: dev.name, public_key: dev.public_key, first_seen: "2023-11-10T10:41:09.512Z#0000", is_self: false });
      sync.imports.unshift({ at: ["2023-11-10T10:41:09.512Z#0000", "2023-11-10T10:41:12.118Z#0000"][i % 2], file_name: f.file, device_id: dev.id, device_name: dev.name, created_at: report.created_at, revisions: report.revisions, new_revisions: report.new_revisions, conflicts: report.new_conflicts });
      if (report.new_conflicts > 0 && !sync.conflicts.some((c) => c.id === "0193f2b7-0a44-7c19-8e2f-6d5c4b3a2918")) {
        const base = { rating: "chua_dat", points: null, note: "Kiểm tra 5 hồ sơ kết nạp: 2 hồ sơ thiếu giấy giới thiệu." };
        sync.conflicts.push(
          findingConflict("0193f2b7-0a44-7c19-8e2f-6d5c4b3a2918", "18", "2.3", [
            { rev: rev(2), device_id: dev.id, device_name: dev.name, hlc: "2023-11-10T08:05:40.210Z#0000", body: findingBody("18", "2.3", { ...base, explanation: "Đơn vị đã bổ sung giấy giới thiệu ngày 09/11/2023." }) },
            { rev: rev(2), device_id: TEAM3.id, device_name: TEAM3.name, hlc: "2023-11-09T04:12:19.877Z#0000", body: findingBody("18", "2.3", { ...base, rating: "dat", explanation: "" }) },
          ]),
        );
      }
    }
    return { backup: "C:\\Users\\canbo\\AppData\\Roaming\\vn.doanthanhnien.kiemtra\\backups\\kiemtra-20231110-104108.512.db", files: out };
  });
}

export async function onSyncProgress(handler) {
  return listen("sync://progress", handler);
}

export async function conflictsList() {
  return call("conflicts_list", undefined, () => sync.conflicts.map(publicConflict));
}

export async function conflictResolve(input) {
  return call("conflict_resolve", { input }, () => {
    const c = sync.conflicts.find((x) => x.id === input.id);
    if (!c) throw fail("not_in_conflict");
    const winner = c.versions.find((v) => v.is_winner);
    let body;
    if (input.keep !== undefined) {
      const v = c.versions.find((x) => x.rev === input.keep);
      if (!v) throw fail("not_found");
      body = clone(v.body);
    } else if (input.fields && typeof input.fields === "object") {
      body = { ...clone(winner.body) };
      for (const [k, value] of Object.entries(input.fields)) {
        if (!(k in body)) throw fail("not_found");
        body[k] = value;
      }
    } else throw fail("not_found");
    applyBody(c, body);
    sync.conflicts = sync.conflicts.filter((x) => x !== c);
    const gen = Math.max(...c.versions.map((v) => Number(v.rev.split("-")[0]))) + 1;
    return { rev: rev(gen) };
  });
}

// ---------- trust: this laptop and the laptops it knows ----------

const trust = {
  named: params.get("unnamed") !== "1",
  person: params.get("unnamed") === "1" ? "" : "Trần Thị Lan",
  people: params.get("unnamed") === "1" ? [] : [{ name: "Trần Thị Lan", position: "Phó Trưởng Ban Xây dựng Đoàn" }],
  trusted: new Set(),
  // ?recovery=1: the office made its recovery key already.
  recovery: params.get("recovery") === "1" ? { recipient: "age1" + hexKey(31).slice(0, 58), created_at: "12/10/2023 09:15", campaigns: 1 } : null,
};

function fingerprintOf(key) {
  let out = [];
  for (let i = 0; i < 6; i++) out.push(String((parseInt(key.slice(i * 8, i * 8 + 8), 16) % 100000)).padStart(5, "0"));
  return out.join(" ");
}

function laptopOf(d) {
  const self = d.id === DEVICES.self.id;
  return {
    id: d.id,
    name: self ? store.device.name : d.name,
    people: self ? trust.people : [],
    public_key: d.public_key,
    fingerprint: fingerprintOf(d.public_key),
    is_self: self,
    trusted: trust.trusted.has(d.id),
    memberships: store.campaigns.map((c) => ({ campaign_id: c.id, campaign_name: c.name, owner: self, role: "secretariat", team_id: null, team_name: null, revoked: null })),
  };
}

export async function trustProfile() {
  return call("trust_profile", undefined, () => ({ ...laptopOf(DEVICES.self), named: trust.named, person: trust.person }));
}

export async function trustProfileSave(profile) {
  return call("trust_profile_save", { profile }, () => {
    const name = String(profile.name || "").trim();
    if (!name) throw emptyText("device_name");
    store.device.name = name;
    trust.people = (profile.people || []).filter((p) => String(p.name || "").trim());
    trust.person = profile.person || (trust.people[0] ? trust.people[0].name : "");
    trust.named = true;
    return { ...laptopOf(DEVICES.self), named: true, person: trust.person };
  });
}

export async function trustLaptops() {
  return call("trust_laptops", undefined, () => [DEVICES.self, DEVICES.team1, DEVICES.team3].map(laptopOf));
}

export async function trustEnrollMaker(input) {
  return call("trust_enroll_maker", { input }, () => {
    const f = (sync.picked || [])[input.file_index];
    if (!f || !f.introduces) throw fail("not_found");
    if (input.role === "team" && !input.team) throw emptyText("team_id");
    const ok = accepted(f);
    sync.picked[input.file_index] = { ...ok, introduces: f.introduces };
    sync.pickedOk.push(ok);
    return ok;
  });
}

export async function trustOwner(fileIndex, device) {
  return call("trust_owner", { fileIndex, device }, () => {
    const f = (sync.picked || [])[fileIndex];
    if (!f || !f.introduces || f.introduces.id !== device) throw fail("not_found");
    trust.trusted.add(device);
    const ok = accepted(f);
    sync.picked[fileIndex] = { ...ok, introduces: f.introduces };
    sync.pickedOk.push(ok);
    return ok;
  });
}

export async function trustSet(device, trusted) {
  return call("trust_set", { device, trusted }, () => {
    if (trusted) trust.trusted.add(device);
    else trust.trusted.delete(device);
    const d = Object.values(DEVICES).find((x) => x.id === device);
    if (!d) throw fail("not_found");
    return laptopOf(d);
  });
}

export async function trustRecoveryKey() {
  return call("trust_recovery_key", undefined, () => trust.recovery);
}

export async function trustRecoveryKeyCreate() {
  return call("trust_recovery_key_create", undefined, () => {
    if (trust.recovery) throw fail("recovery_key_exists", { created_at: trust.recovery.created_at });
    if (dialogCancelled()) return null;
    trust.recovery = { recipient: "age1" + hexKey(37).slice(0, 58), created_at: "02/12/2026 10:30", campaigns: store.campaigns.length };
    return trust.recovery;
  });
}

export async function trustRevoke(device, campaign, reason) {
  return call("trust_revoke", { device, campaign, reason }, () => {
    if (!String(reason || "").trim()) throw emptyText("reason");
    return { campaign_id: campaign, device_id: device, public_key: hexKey(11), role: "team", team_id: null, revoked: { hlc: "2023-11-10T10:41:09.512Z#0000", at: "2023-11-10T17:41:09+07:00", reason } };
  });
}

// ---------- backups ----------
// Newest first, as Rust lists them; a 0-byte one (a disk that was full) is refused on restore.
const backupDir = "/home/lan/.local/share/kiemtra/backups/";
function backupEntry(created_at, size, reason) {
  const name = `kiemtra-${created_at.replace(/[-:]/g, "").replace("T", "-").replace("Z", "")}.db`;
  return { number: 0, name, path: backupDir + name, created_at, size, reason };
}
const backups = {
  list: [
    backupEntry("2023-11-10T02:02:18.120Z", 2516582, { before: "import", files: ["kiemtra-Laptop-Doan-kiem-tra-so-1-20231110-1540.kiemtra", "kiemtra-Laptop-Doan-kiem-tra-so-3-20231109-1805.kiemtra"] }),
    backupEntry("2023-11-08T03:05:12.004Z", 0, { before: "unit_import", file: "danh-sach-don-vi-2023.xlsx" }),
    backupEntry("2023-11-02T08:40:51.733Z", 1835008, null),
  ],
};

function numberedBackups() {
  backups.list.forEach((b, i) => (b.number = i + 1));
  return backups.list;
}

export async function backupsList() {
  return call("backups_list", undefined, () => numberedBackups());
}

export async function backupRestore(name) {
  return call("backup_restore", { name }, () => {
    const b = backups.list.find((x) => x.name === name);
    if (!b) throw fail("not_found");
    if (!b.size) throw fail("bad_backup", { file: b.name });
    const saved = backupEntry(new Date(tick()).toISOString(), 2621440, { before: "restore", from: b.name, from_at: b.created_at });
    // The restored copy is never the one pruned to make room.
    backups.list = [saved, ...backups.list.filter((x) => x !== b).slice(0, 3), b].sort((x, y) => (x.created_at < y.created_at ? 1 : -1));
    numberedBackups();
    return { restored: clone(b), saved: clone(saved) };
  });
}
