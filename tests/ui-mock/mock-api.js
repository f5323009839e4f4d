// In-memory stand-in for ui/api.js (same exports), for screenshots and browser tests.
// URL switches (query string): ?first=1 first run (no data, not onboarded) · ?empty=1 onboarded, no data
// ?latency=MS delay of every call (default 120) · ?fail=CODE make finding_set fail for that item code
// ?failall=1 make every finding_set fail.
// Sync (see the "sync" section below): 3 known computers, 3 imports, 2 conflicts (a finding of
// visit 17, a recommendation of visit 8). Switches a check can set on window before a call:
// __mockDialogCancel = true (the next native dialog is cancelled), __mockFailNext = "<command>"
// (the next call of that command fails), __mockPickMode = "bad" | "evil" (every picked file
// refused / bundle text full of markup), __mockHoldImport = true (bundle_import stops half-way
// through the last file until window.__mockReleaseImport() is called). Events sent to the page
// are logged in window.__mockEvents; window.__mockListeners() counts live event listeners.
// Calls are logged in window.__mockCalls as {name, args, at, end, ok, error}: `at` and `end` are
// performance.now() when the call started and when it settled (end/ok are absent while in flight),
// so tests can assert on timing (debounce, serialisation) instead of sleeping.
// window.__mockPending counts calls in flight.

const params = new URLSearchParams(location.search);
const LATENCY = Number(params.get("latency") ?? 120);
const FAIL_CODE = params.get("fail");
const FAIL_ALL = params.get("failall") === "1";

window.__mockCalls = [];
window.__mockPending = 0;
window.__mockViolations = []; // e.g. two finding_set calls in flight for one item
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

const MESSAGES = {
  vi: {
    visit_locked: "Biên bản của buổi làm việc này đã ký, không thể sửa kết quả.",
    bad_bundle: "Gói dữ liệu bị từ chối: nội dung revisions.jsonl đã bị thay đổi (sai SHA-256).",
    export_io: "Không ghi được tệp vào ổ USB (ổ đầy hoặc chỉ cho phép đọc).",
    not_in_conflict: "Bản ghi này không còn xung đột.",
    invalid_points: "Điểm của mục {code} phải từ 0 đến {max}.",
    not_found: "Không tìm thấy dữ liệu yêu cầu.",
    io: "Không ghi được vào cơ sở dữ liệu trên máy (đĩa đầy hoặc bị khóa).",
  },
  en: {
    visit_locked: "The minutes of this working session are signed; results can no longer be changed.",
    bad_bundle: "Bundle refused: revisions.jsonl was changed (SHA-256 mismatch).",
    export_io: "Could not write the file to the USB stick (full or read-only).",
    not_in_conflict: "This record is no longer in conflict.",
    invalid_points: "Points for item {code} must be between 0 and {max}.",
    not_found: "The requested data was not found.",
    io: "Could not write to the local database (disk full or locked).",
  },
};

// The language persists across reloads, as the real app persists it in its settings.
const savedLang = (() => {
  try {
    return sessionStorage.getItem("kiemtra-mock-lang");
  } catch {
    return null;
  }
})();

const store = {
  lang: savedLang === "en" ? "en" : "vi",
  onboarded: params.get("first") !== "1",
  device: { id: "dev-7f3a", name: "Laptop Ban XDĐ 03" },
  campaigns: [],
  units: {}, // campaignId → units
  teams: {}, // campaignId → teams
  visits: [], // all visits
  findings: {}, // visitId → {code → finding}
  criteria: null,
  nextFindingId: 1000,
};

function fail(code, vars = {}) {
  const text = (MESSAGES[store.lang] || MESSAGES.vi)[code] || code;
  return { code, message: text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) };
}

// ---------- criteria set: 7 topics, 31 items ----------

const CRITERIA = {
  id: 1,
  code: "BTC-2023",
  name: "Bộ tiêu chí kiểm tra công tác Đoàn năm 2023",
  version: 2,
  topics: [
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
  })),
};
store.criteria = CRITERIA;
const ALL_ITEMS = CRITERIA.topics.flatMap((tp) => tp.items);

// ---------- campaign 1: 2023, 24 visits ----------

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

const TEAMS_2023 = [
  {
    id: 11,
    name: "Đoàn kiểm tra số 1",
    members: [
      { full_name: "Nguyễn Thị Thu Hương", title: "Phó Bí thư Tỉnh đoàn", role: "head" },
      { full_name: "Trần Văn Minh", title: "Trưởng Ban Xây dựng Đoàn", role: "member" },
      { full_name: "Lê Hoàng Nam", title: "Ủy viên Ban Chấp hành Tỉnh đoàn", role: "member" },
      { full_name: "Phạm Thị Lan Anh", title: "Chuyên viên Ban Xây dựng Đoàn", role: "secretary" },
    ],
  },
  {
    id: 12,
    name: "Đoàn kiểm tra số 2",
    members: [
      { full_name: "Đinh Công Thành", title: "Phó Bí thư Tỉnh đoàn", role: "head" },
      { full_name: "Vũ Thị Ngọc Ánh", title: "Phó Trưởng Ban Tuyên giáo", role: "member" },
      { full_name: "Bùi Quang Huy", title: "Chuyên viên Văn phòng Tỉnh đoàn", role: "secretary" },
    ],
  },
  {
    id: 13,
    name: "Đoàn kiểm tra số 3",
    members: [
      { full_name: "Hoàng Minh Đức", title: "Ủy viên Ban Thường vụ Tỉnh đoàn", role: "head" },
      { full_name: "Ngô Thị Hồng Nhung", title: "Phó Trưởng Ban Xây dựng Đoàn", role: "member" },
      { full_name: "Đặng Văn Khải", title: "Chuyên viên Ban Phong trào", role: "secretary" },
    ],
  },
];

function buildCampaign2023() {
  const cid = 1;
  const units = [{ id: 100, parent_id: null, name: "Tỉnh đoàn Ninh Bình", short_name: "Tỉnh đoàn", code: "TĐ", kind: "province", level_label: "Cấp tỉnh", depth: 0 }];
  DISTRICTS.forEach(([name, code, grassroots], i) => {
    const did = 101 + i * 2;
    units.push({ id: did, parent_id: 100, name, short_name: name.replace(/^(Thành đoàn|Huyện đoàn) /, ""), code, kind: "district", level_label: "Cấp huyện", depth: 1 });
    units.push({ id: did + 1, parent_id: did, name: grassroots, short_name: grassroots.slice(0, 24), code: `${code}-CS`, kind: "grassroots", level_label: "Cơ sở Đoàn", depth: 2 });
  });
  store.units[cid] = units;
  store.teams[cid] = TEAMS_2023;

  const dates = ["2023-11-07", "2023-11-08", "2023-11-09", "2023-11-10"];
  // status per district index: signed ×3, completed ×3, in_progress ×3, planned ×3 (each for district + its grassroots)
  const statusFor = (i) => ["signed", "completed", "in_progress", "planned"][Math.floor(i / 3)];
  let vid = 1;
  DISTRICTS.forEach((d, i) => {
    const team = TEAMS_2023[i % 3];
    for (const offset of [0, 1]) {
      const unit = units.find((u) => u.id === 101 + i * 2 + offset);
      let status = statusFor(i);
      if (status === "planned" && offset === 0 && i === 9) status = "in_progress";
      const visit = {
        id: vid++,
        campaign_id: cid,
        unit_id: unit.id,
        team_id: team.id,
        date: dates[Math.floor(i / 3)],
        status,
        report_summary: "",
        difficulties: "",
        strengths: "",
        shortcomings: "",
        assessment: "",
        overall_result: null,
        recommendations: [],
      };
      const findings = {};
      let fill = 0;
      if (status === "signed" || status === "completed") fill = 1;
      else if (status === "in_progress") fill = 0.25 + rnd() * 0.4;
      ALL_ITEMS.forEach((item, k) => {
        if (fill === 1 || rnd() < fill) {
          const f = { id: store.nextFindingId++, rating: null, points: null, note: "", explanation: "", rev: 1 };
          if (item.scale === "points") f.points = Math.max(0, Math.round(item.max_points * (0.55 + rnd() * 0.45)));
          else f.rating = rnd() < 0.82 ? "dat" : "chua_dat";
          if (rnd() < 0.6) f.note = NOTES[k % NOTES.length];
          if (f.rating === "chua_dat") f.explanation = EXPLANATIONS[k % EXPLANATIONS.length];
          findings[item.code] = f;
        }
      });
      if (status === "signed" || status === "completed" || (status === "in_progress" && offset === 0)) {
        visit.report_summary =
          "Năm 2023, " + unit.name + " đã bám sát chương trình công tác của Tỉnh đoàn, triển khai đồng bộ các phần việc thanh niên gắn với chủ đề “Năm chuyển đổi số các hoạt động của Đoàn”. Đơn vị đã tổ chức 12 lớp bồi dưỡng nhận thức về Đoàn cho 684 học viên, kết nạp 452 đoàn viên mới.";
        visit.difficulties = "Một bộ phận đoàn viên đi làm ăn xa, khó tập hợp sinh hoạt.\nKinh phí hoạt động của cơ sở Đoàn còn hạn chế.";
      }
      if (status === "signed" || status === "completed") {
        visit.strengths = "Cấp ủy quan tâm lãnh đạo, chỉ đạo; đội ngũ cán bộ Đoàn nhiệt tình, trách nhiệm.\nHồ sơ, sổ sách được lưu trữ khoa học.";
        visit.shortcomings = "Việc cập nhật nghiệp vụ trên Phần mềm Quản lý đoàn viên chưa thường xuyên; tỷ lệ kích hoạt App “Thanh niên Việt Nam” ở một số chi đoàn còn thấp.";
        visit.assessment = "Nhìn chung, đơn vị đã thực hiện tốt các nội dung kiểm tra, hoàn thành phần lớn chỉ tiêu năm 2023.";
        visit.overall_result = ["xuat_sac", "tot", "hoan_thanh", "tot", "khong_hoan_thanh"][vid % 5];
        visit.recommendations = [
          { id: vid * 10 + 1, text: "Đề nghị Tỉnh đoàn hỗ trợ kinh phí tập huấn sử dụng Phần mềm Quản lý đoàn viên cho bí thư chi đoàn.", raised_by: "unit", authority: "union", status: "forwarded" },
          { id: vid * 10 + 2, text: "Đề nghị cấp ủy bố trí phòng sinh hoạt riêng cho Đoàn Thanh niên tại trụ sở.", raised_by: "unit", authority: "party", status: "received" },
          { id: vid * 10 + 3, text: "Đơn vị hoàn thiện sổ Chi đoàn theo mẫu mới trước ngày 31/12/2023.", raised_by: "team", authority: "unit", status: status === "signed" ? "done" : "answered" },
        ];
      }
      store.visits.push(visit);
      store.findings[visit.id] = findings;
    }
  });
  store.campaigns.push({
    id: cid,
    name: "Kiểm tra công tác Đoàn và phong trào thanh thiếu nhi năm 2023",
    year: 2023,
    theme: "Năm chuyển đổi số các hoạt động của Đoàn",
    start_date: "2023-11-07",
    end_date: "2023-11-10",
    decision_number: "215-QĐ/TĐTN-XDĐ",
    issuing_body: "Ban Thường vụ Tỉnh đoàn Ninh Bình",
  });
}

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

// ---------- smaller campaigns ----------

function buildSimpleCampaign(c, unitNames, status, teamName) {
  const units = [{ id: c.id * 1000, parent_id: null, name: unitNames[0], short_name: unitNames[0], code: "TĐ", kind: "province", level_label: "Cấp tỉnh", depth: 0 }];
  unitNames.slice(1).forEach((name, i) => units.push({ id: c.id * 1000 + i + 1, parent_id: c.id * 1000, name, short_name: name, code: `U${i + 1}`, kind: "commune", level_label: c.year >= 2025 ? "Cơ sở Đoàn (xã, phường)" : "Cấp huyện", depth: 1 }));
  store.units[c.id] = units;
  store.teams[c.id] = [{ id: c.id * 100 + 1, name: teamName, members: [{ full_name: "Nguyễn Văn Hải", title: "Phó Bí thư Tỉnh đoàn", role: "head" }, { full_name: "Trịnh Thu Trang", title: "Chuyên viên", role: "secretary" }] }];
  units.slice(1).forEach((u, i) => {
    const visit = { id: c.id * 1000 + i, campaign_id: c.id, unit_id: u.id, team_id: c.id * 100 + 1, date: c.start_date, status: typeof status === "function" ? status(i) : status, report_summary: "", difficulties: "", strengths: "", shortcomings: "", assessment: "", overall_result: null, recommendations: [] };
    const findings = {};
    if (visit.status === "signed") ALL_ITEMS.forEach((item) => (findings[item.code] = { id: store.nextFindingId++, rating: item.scale === "pass_fail" ? "dat" : null, points: item.scale === "points" ? item.max_points : null, note: "", explanation: "", rev: 1 }));
    store.visits.push(visit);
    store.findings[visit.id] = findings;
  });
  store.campaigns.push(c);
}

function buildAll() {
  buildCampaign2023();
  buildSimpleCampaign(
    { id: 2, name: "Kiểm tra công tác Đoàn và phong trào thanh thiếu nhi năm 2021", year: 2021, theme: "Năm Thanh niên tình nguyện", start_date: "2021-11-15", end_date: "2021-11-19", decision_number: "187-QĐ/TĐTN-XDĐ", issuing_body: "Ban Thường vụ Tỉnh đoàn Ninh Bình" },
    ["Tỉnh đoàn Ninh Bình", "Thành đoàn Ninh Bình", "Thành đoàn Tam Điệp", "Huyện đoàn Nho Quan", "Huyện đoàn Gia Viễn", "Huyện đoàn Hoa Lư", "Huyện đoàn Kim Sơn"],
    "signed",
    "Đoàn công tác số 1",
  );
  buildSimpleCampaign(
    { id: 3, name: "Kiểm tra, giám sát việc thực hiện Nghị quyết Đại hội Đoàn các cấp tại các xã, phường sau sắp xếp đơn vị hành chính năm 2025", year: 2025, theme: "Đoàn cơ sở vững mạnh sau sắp xếp tổ chức bộ máy", start_date: "2025-10-20", end_date: "2025-10-31", decision_number: "342-QĐ/TĐTN-KT", issuing_body: "Ban Thường vụ Tỉnh đoàn Ninh Bình (mới)" },
    ["Tỉnh đoàn Ninh Bình", "Đoàn phường Hoa Lư", "Đoàn phường Nam Định", "Đoàn xã Gia Viễn", "Đoàn phường Phủ Lý", "Đoàn xã Kim Sơn"],
    (i) => (i < 2 ? "in_progress" : "planned"),
    "Đoàn kiểm tra liên ngành",
  );
}

if (params.get("first") !== "1" && params.get("empty") !== "1") buildAll();

// ---------- helpers ----------

function campaignSummary(c) {
  const visits = store.visits.filter((v) => v.campaign_id === c.id);
  const status_counts = { planned: 0, in_progress: 0, completed: 0, signed: 0 };
  for (const v of visits) status_counts[v.status]++;
  return { ...c, unit_count: (store.units[c.id] || []).filter((u) => u.depth > 0).length, visit_count: visits.length, status_counts };
}

function doneCount(visitId) {
  const f = store.findings[visitId] || {};
  return ALL_ITEMS.filter((it) => f[it.code] && (f[it.code].rating != null || f[it.code].points != null)).length;
}

async function call(name, args, fn) {
  const entry = { name, args: clone(args), at: performance.now() };
  window.__mockCalls.push(entry);
  window.__mockPending++;
  try {
    await delay(LATENCY); // simulated backend latency (part of the fake backend)
    if (window.__mockFailNext === name) {
      window.__mockFailNext = null;
      throw fail(name === "bundle_export" ? "export_io" : "io");
    }
    const out = clone(await fn());
    entry.ok = true;
    return out;
  } catch (err) {
    entry.ok = false;
    entry.error = err && err.code ? err.code : String(err);
    throw err;
  } finally {
    entry.end = performance.now();
    window.__mockPending--;
  }
}

// ---------- the API (same exports as ui/api.js) ----------

export async function appState() {
  return call("app_state", undefined, () => ({
    db_path: "C:\\Users\\canbo\\AppData\\Roaming\\vn.doanthanhnien.kiemtra\\kiemtra.sqlite3",
    device: store.device,
    lang: store.lang,
    onboarded: store.onboarded,
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
    return null;
  });
}

export async function loadDemo() {
  return call("load_demo", undefined, () => {
    if (!store.campaigns.length) buildAll();
    store.onboarded = true;
    return { campaign_id: 1 };
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
    const c = store.campaigns.find((x) => String(x.id) === String(id));
    if (!c) throw fail("not_found");
    const units = store.units[c.id] || [];
    const teams = store.teams[c.id] || [];
    return {
      campaign: campaignSummary(c),
      units,
      teams,
      visits: store.visits
        .filter((v) => v.campaign_id === c.id)
        .map((v) => {
          const u = units.find((x) => x.id === v.unit_id);
          const tm = teams.find((x) => x.id === v.team_id);
          return { id: v.id, unit_id: v.unit_id, unit_name: u.name, unit_level_label: u.level_label, date: v.date, status: v.status, team_id: v.team_id, team_name: tm ? tm.name : null, done: doneCount(v.id), total: ALL_ITEMS.length, conflict: visitInConflict(v.id) };
        }),
    };
  });
}

export async function visitGet(id) {
  return call("visit_get", { id }, () => {
    const v = store.visits.find((x) => String(x.id) === String(id));
    if (!v) throw fail("not_found");
    const c = store.campaigns.find((x) => x.id === v.campaign_id);
    const u = store.units[c.id].find((x) => x.id === v.unit_id);
    const tm = store.teams[c.id].find((x) => x.id === v.team_id);
    const { recommendations, ...visit } = v;
    const findings = {};
    for (const [code, f] of Object.entries(store.findings[v.id] || {})) findings[code] = { ...f, conflict: findingInConflict(v.id, code) };
    return {
      visit,
      unit: { id: u.id, name: u.name, short_name: u.short_name, code: u.code, level_label: u.level_label },
      campaign: { id: c.id, name: c.name },
      team: tm ? { id: tm.id, name: tm.name } : null,
      criteria: store.criteria,
      findings,
      recommendations,
      locked: v.status === "signed",
    };
  });
}

export async function findingSet(input) {
  const key = `${input.visit_id}/${input.item_code}`;
  if (inFlight.has(key)) window.__mockViolations.push(`concurrent finding_set for ${key}`);
  inFlight.add(key);
  try {
    return await findingSetInner(input);
  } finally {
    inFlight.delete(key);
  }
}

async function findingSetInner(input) {
  return call("finding_set", { input }, () => {
    const v = store.visits.find((x) => String(x.id) === String(input.visit_id));
    if (!v) throw fail("not_found");
    if (v.status === "signed") throw fail("visit_locked");
    if (FAIL_ALL || (FAIL_CODE && FAIL_CODE === input.item_code)) throw fail("io");
    const item = ALL_ITEMS.find((it) => it.code === input.item_code);
    if (!item) throw fail("not_found");
    if (input.points !== null && input.points !== undefined) {
      if (typeof input.points !== "number" || !Number.isFinite(input.points) || input.points < 0 || (item.max_points != null && input.points > item.max_points)) {
        throw fail("invalid_points", { code: item.code, max: item.max_points ?? "∞" });
      }
    }
    if (input.rating !== null && input.rating !== "dat" && input.rating !== "chua_dat") throw fail("not_found");
    const map = (store.findings[v.id] ||= {});
    const prev = map[item.code];
    const f = { id: prev ? prev.id : store.nextFindingId++, rating: input.rating ?? null, points: input.points ?? null, note: input.note ?? "", explanation: input.explanation ?? "", rev: prev ? prev.rev + 1 : 1 };
    map[item.code] = f;
    if (v.status === "planned") v.status = "in_progress";
    return { id: f.id, rev: f.rev, visit_status: v.status };
  });
}

// Closing the window (Tauri only in the real app). The handler is kept so a check can simulate a
// close request with window.__mockRequestClose(); closeApp is logged as the "app_close" call.
let closeHandler = null;
window.__mockRequestClose = () => (closeHandler ? closeHandler() : Promise.resolve());

export async function onCloseRequested(handler) {
  closeHandler = handler;
}

export async function closeApp() {
  return call("app_close", undefined, () => null);
}

// ---------- sync ----------

function hexKey(seed) {
  let out = "";
  let x = seed;
  while (out.length < 64) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += x.toString(16).padStart(8, "0");
  }
  return out.slice(0, 64);
}

const SELF = { id: "dev-7f3a", name: "Laptop Ban XDĐ 03", public_key: hexKey(7), first_seen: "2023-10-30T01:12:05.331Z#0000", is_self: true };
const TEAM1 = { id: "dev-1b9e", name: "Laptop Đoàn kiểm tra số 1", public_key: hexKey(11), first_seen: "2023-11-08T10:05:12.220Z#0000", is_self: false };
const TEAM3 = { id: "dev-93d0", name: "Laptop Đoàn kiểm tra số 3", public_key: hexKey(13), first_seen: "2023-11-09T11:20:40.001Z#0000", is_self: false };
const TEAM2 = { id: "dev-c41e", name: "Laptop Đoàn kiểm tra số 2", public_key: hexKey(12), first_seen: null, is_self: false };
store.device.public_key = SELF.public_key;

const sync = {
  devices: [],
  imports: [],
  conflicts: [],
  pickedOk: [], // the ok files of the last bundle_pick (as Rust keeps them)
  nextRev: 1,
};
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

function unitOfVisit(visitId) {
  const v = store.visits.find((x) => x.id === visitId);
  if (!v) return { name: "" };
  return (store.units[v.campaign_id] || []).find((u) => u.id === v.unit_id) || { name: "" };
}

function rev(gen) {
  const n = sync.nextRev++;
  return `${gen}-${hexKey(1000 + n).slice(0, 32)}`;
}

function findingBody(visitId, code, f) {
  return { visit_id: String(visitId), item_code: code, rating: f.rating ?? null, points: f.points ?? null, note: f.note ?? "", explanation: f.explanation ?? "" };
}

function recBody(visitId, r) {
  return { visit_id: String(visitId), text: r.text, raised_by: r.raised_by, authority: r.authority, status: r.status, due_date: r.due_date ?? null };
}

/** A conflict in the shape of conflicts_list; versions[0] is the winner. */
function makeConflict(id, kind, label, versions) {
  const keys = [...new Set(versions.flatMap((v) => Object.keys(v.body)))].sort();
  const fields = keys
    .map((k) => ({ field: k, values: versions.map((v) => (k in v.body ? v.body[k] : null)) }))
    .filter((f) => f.values.some((x) => JSON.stringify(x) !== JSON.stringify(f.values[0])));
  return { id, kind, label, winner: versions[0].rev, versions: versions.map((v, i) => ({ ...v, is_winner: i === 0 })), fields };
}

function findingConflict(id, visitId, code, versions) {
  const map = (store.findings[visitId] ||= {});
  const w = versions[0].body;
  map[code] = { id: map[code] ? map[code].id : store.nextFindingId++, rating: w.rating, points: w.points, note: w.note, explanation: w.explanation, rev: 3 };
  const meta = { visit_id: visitId, item_code: code };
  return { ...makeConflict(id, "finding", `Tiêu chí ${code} · ${unitOfVisit(visitId).name}`, versions), meta };
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
    findingConflict("0193f2a1-5c3e-7b21-9d4e-1f0a2b3c4d5e", 17, "5.3", [
      { rev: rev(3), device_id: TEAM3.id, device_name: TEAM3.name, hlc: "2023-11-09T03:14:22.512Z#0000", body: findingBody(17, "5.3", { ...base53, note: "Sổ đoàn viên được quản lý tại văn phòng Đoàn, có ghi nhận xét năm 2022 và 2023." }) },
      { rev: rev(3), device_id: SELF.id, device_name: SELF.name, hlc: "2023-11-09T02:51:07.090Z#0001", body: findingBody(17, "5.3", { ...base53, note: "Sổ đoàn viên quản lý đầy đủ; 3 sổ chưa ghi nhận xét năm 2023 (chi đoàn Văn phòng, Tài chính, Nội vụ)." }) },
    ]),
  );
  // 2. a recommendation of visit 8: text and authority changed on three laptops
  const visit8 = store.visits.find((v) => v.id === 8);
  if (visit8 && visit8.recommendations.length) {
    const rec = visit8.recommendations[0];
    const text = rec.text;
    const v1 = recBody(8, rec);
    const v2 = { ...v1, text: text.replace(/\.$/, " trong quý I/2024; mỗi huyện ít nhất 01 lớp.") };
    const v3 = { ...v1, authority: "party" };
    const c = makeConflict(String(rec.id), "recommendation", `Kiến nghị · ${unitOfVisit(8).name}`, [
      { rev: rev(4), device_id: TEAM1.id, device_name: TEAM1.name, hlc: "2023-11-10T07:33:41.006Z#0000", body: v1 },
      { rev: rev(4), device_id: SELF.id, device_name: SELF.name, hlc: "2023-11-10T02:18:55.640Z#0000", body: v2 },
      { rev: rev(4), device_id: TEAM3.id, device_name: TEAM3.name, hlc: "2023-11-09T09:47:12.300Z#0002", body: v3 },
    ]);
    c.meta = { visit_id: 8, rec_id: rec.id };
    sync.conflicts.push(c);
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

function publicConflict(c) {
  const { meta, ...rest } = c;
  return rest;
}

/** Write a resolved body back into the store (what the screens read). */
function applyBody(c, body) {
  if (c.kind === "finding") {
    const f = store.findings[c.meta.visit_id][c.meta.item_code];
    Object.assign(f, { rating: body.rating, points: body.points, note: body.note, explanation: body.explanation, rev: f.rev + 1 });
  } else if (c.kind === "recommendation") {
    const v = store.visits.find((x) => x.id === c.meta.visit_id);
    const r = v.recommendations.find((x) => x.id === c.meta.rec_id);
    Object.assign(r, { text: body.text, raised_by: body.raised_by, authority: body.authority, status: body.status });
  }
}

function pickedFiles() {
  const lang = store.lang;
  const mode = window.__mockPickMode || "";
  const refused = (file) => ({ file, ok: false, error: { code: "bad_bundle", message: (MESSAGES[lang] || MESSAGES.vi).bad_bundle } });
  if (mode === "bad") return [refused("kiemtra-Huyen-doan-Kim-Son-20231110.kiemtra"), refused("ban-sao-cu.kiemtra")];
  const a = {
    file: "kiemtra-Laptop-Doan-kiem-tra-so-2-20231110-1712.kiemtra",
    ok: true,
    report: { file: "E:\\kiemtra-Laptop-Doan-kiem-tra-so-2-20231110-1712.kiemtra", device: { id: TEAM2.id, name: TEAM2.name, public_key: TEAM2.public_key }, inspector: "Bùi Quang Huy", created_at: "2023-11-10T10:12:31.508Z#0000", campaign_id: "1", new_device: true, revisions: 6204, new_revisions: 5987, known_revisions: 217, new_conflicts: 1, dry_run: true },
  };
  const b = {
    file: "kiemtra-Laptop-Doan-kiem-tra-so-1-20231110-1730.kiemtra",
    ok: true,
    report: { file: "E:\\kiemtra-Laptop-Doan-kiem-tra-so-1-20231110-1730.kiemtra", device: { id: TEAM1.id, name: TEAM1.name, public_key: TEAM1.public_key }, inspector: "Phạm Thị Lan Anh", created_at: "2023-11-10T10:30:02.177Z#0003", campaign_id: "1", new_device: false, revisions: 4230, new_revisions: 218, known_revisions: 4012, new_conflicts: 0, dry_run: true },
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
    devices: sync.devices,
    imports: sync.imports,
    conflict_count: sync.conflicts.length,
    campaigns: store.campaigns.map((c) => ({ id: String(c.id), name: c.name, year: c.year })),
  }));
}

function dialogCancelled() {
  if (!window.__mockDialogCancel) return false;
  window.__mockDialogCancel = false;
  return true;
}

export async function bundleExport(campaign) {
  return call("bundle_export", { campaign }, () => {
    if (dialogCancelled()) return null;
    const one = campaign !== null && campaign !== undefined;
    if (one && !store.campaigns.some((c) => String(c.id) === String(campaign))) throw fail("not_found");
    return {
      path: `C:\\Users\\canbo\\Documents\\Kiểm tra\\kiemtra-Laptop-Ban-XDD-03-20231110-1642.kiemtra`,
      revisions: one ? 9816 : 12480,
      records: one ? 2204 : 2873,
      bytes: one ? 1893376 : 2411724,
    };
  });
}

export async function bundlePick() {
  return call("bundle_pick", undefined, () => {
    if (dialogCancelled()) return null;
    const files = pickedFiles();
    sync.pickedOk = files.filter((f) => f.ok);
    return { files };
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
          findingConflict("0193f2b7-0a44-7c19-8e2f-6d5c4b3a2918", 18, "2.3", [
            { rev: rev(2), device_id: dev.id, device_name: dev.name, hlc: "2023-11-10T08:05:40.210Z#0000", body: findingBody(18, "2.3", { ...base, explanation: "Đơn vị đã bổ sung giấy giới thiệu ngày 09/11/2023." }) },
            { rev: rev(2), device_id: TEAM3.id, device_name: TEAM3.name, hlc: "2023-11-09T04:12:19.877Z#0000", body: findingBody(18, "2.3", { ...base, rating: "dat", explanation: "" }) },
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
