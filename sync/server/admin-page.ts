// The back-office page: plain HTML + JS, no build step. The admin token is typed in and kept in
// sessionStorage; every value is rendered with textContent (no HTML injection).

export function adminPageHtml(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>省平台后台 · Platform back office</title>
<link rel="stylesheet" href="/admin/admin.css">
<script src="/admin/admin.js" defer></script>
</head>
<body>
<h1>省平台后台（参考实现）</h1>
<section id="login">
  <label>Admin token <input id="token" type="password" autocomplete="off" size="50"></label>
  <button id="save-token">保存 Save</button>
</section>
<section>
  <h2>终端注册码 Enrollment code</h2>
  <label>站点 Station <input id="station" value="360121201" size="14"></label>
  <button id="make-code">生成 Create</button> <output id="code"></output>
</section>
<section>
  <h2>办件 Applications</h2>
  <label>状态 Status <select id="status">
    <option value="">全部 all</option><option>synced</option><option>accepted</option><option>in_review</option>
    <option>supplement_required</option><option>resubmitted</option><option>approved</option><option>rejected</option><option>completed</option><option>withdrawn</option>
  </select></label>
  <button id="refresh">刷新 Refresh</button> <span id="live"></span>
  <p id="message" role="status"></p>
  <table><thead><tr><th>id</th><th>事项</th><th>站点</th><th>渠道</th><th>状态</th><th>受理号</th><th>操作</th></tr></thead><tbody id="rows"></tbody></table>
</section>
</body>
</html>`;
}

export const adminCss = `body{font-family:system-ui,"Noto Sans SC",sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
button{margin:0 .15rem}section{margin-bottom:1.5rem}#message{color:#a40}code{font-size:.8rem}`;

export const adminJs = `'use strict';
const $ = (id) => document.getElementById(id);
const token = () => sessionStorage.getItem('adminToken') || '';
async function api(method, path, body) {
  const res = await fetch(path, { method, headers: { authorization: 'Bearer ' + token(), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((json.error && (json.error.code + ': ' + json.error.message)) || res.statusText);
  return json;
}
function say(text) { $('message').textContent = text; }
const ACTIONS = { accept: '受理', review: '审查', supplement: '补正', approve: '批准', reject: '不予批准', complete: '办结' };
const list = (text) => (text || '').split(/[；;,，\\s]+/).map((s) => s.trim()).filter(Boolean);
async function act(a, action) {
  const id = a.id;
  const body = { actor: 'admin-page' };
  if (action === 'supplement') {
    const r = prompt('补正内容（多项用；分隔）');
    if (!r) return;
    body.reasons = r.split(/[；;]/).map((s) => s.trim()).filter(Boolean);
    // Optional flags the terminal highlights: form field names and material codes (prompt text is plain text).
    const fields = list(prompt('需补正的表单字段（字段名，如 bankAccount；多项用；分隔，可留空）\\n' + Object.keys(a.formData || {}).join('  ')));
    if (fields.length) body.fields = fields;
    const materials = list(prompt('需补正的材料编码（多项用；分隔，可留空）\\n' + (a.materials || []).map((m) => m.code + ' ' + m.name).join('\\n')));
    if (materials.length) body.materials = materials;
  }
  if (action === 'reject') { const r = prompt('理由'); if (r) body.reason = r; }
  try { const doc = await api('POST', '/api/v1/admin/applications/' + id + '/' + action, body); say(action + ' → ' + doc.status + (doc.acceptanceNo ? ' ' + doc.acceptanceNo : '')); }
  catch (e) { say(e.message); }
  await refresh(true);
}
async function refresh(keepMessage) {
  try {
    const q = $('status').value ? '?status=' + encodeURIComponent($('status').value) : '';
    const { applications } = await api('GET', '/api/v1/admin/applications' + q);
    const tbody = $('rows');
    tbody.replaceChildren();
    for (const a of applications) {
      const tr = document.createElement('tr');
      for (const v of [a.id, a.serviceItemCode, a.stationId, a.channel, a.status, a.acceptanceNo || '']) {
        const td = document.createElement('td'); td.textContent = v; tr.append(td);
      }
      const td = document.createElement('td');
      for (const [action, label] of Object.entries(ACTIONS)) {
        const b = document.createElement('button'); b.textContent = label; b.dataset.action = action;
        b.addEventListener('click', () => act(a, action)); td.append(b);
      }
      tr.append(td); tbody.append(tr);
    }
    if (keepMessage !== true) say(applications.length + ' 件');
  } catch (e) { say(e.message); }
}
$('save-token').addEventListener('click', () => { sessionStorage.setItem('adminToken', $('token').value.trim()); refresh(); });
$('refresh').addEventListener('click', () => refresh());
$('status').addEventListener('change', () => refresh());
$('make-code').addEventListener('click', async () => {
  try { const r = await api('POST', '/api/v1/admin/enroll-codes', { stationId: $('station').value.trim() }); $('code').textContent = r.code + '（' + r.expiresAt + ' 前有效）'; }
  catch (e) { say(e.message); }
});
if (token()) refresh();
`;
