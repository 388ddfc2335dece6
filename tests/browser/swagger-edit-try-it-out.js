// Swagger UI's try-it-out for POST /v1/images/edits, driven in a real headless chromium over the DevTools protocol:
// expands CreateImageEdit, presses "Try it out", attaches a PNG to the `image` file input, fills prompt/strength/size/n,
// presses Execute and prints the curl Swagger shows, the status and the start of the body (a 200 with b64_json).
//
//   chromium --headless --no-sandbox --disable-gpu --remote-debugging-port=9333 --window-size=1400,3000 about:blank &
//   ASPNETCORE_URLS=http://127.0.0.1:5917 Model__Path=$PWD/models/tiny-shapes dotnet src/TeEFusion.Service/bin/Release/net10.0/linux-x64/TeEFusion.Service.dll &
//   node --experimental-websocket tests/browser/swagger-edit-try-it-out.js /abs/path/in.png   # Node 20: WebSocket is behind the flag
//
// It writes swagger-edit.png (a full-page screenshot) into the current folder. Not part of `dotnet test`.
const port = 9333, file = process.argv[2];
const sleep = ms => new Promise(r => setTimeout(r, ms));
(async () => {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const page = targets.find(t => t.type === 'page');
  const ws = new WebSocket(page.webSocketDebuggerUrl);
  let id = 0; const pending = {};
  ws.onmessage = m => { const d = JSON.parse(m.data); if (d.id && pending[d.id]) { pending[d.id](d); delete pending[d.id]; } };
  await new Promise(r => ws.onopen = r);
  const send = (method, params = {}) => new Promise(r => { const i = ++id; pending[i] = r; ws.send(JSON.stringify({ id: i, method, params })); });
  const js = async expr => (await send('Runtime.evaluate', { expression: expr, awaitPromise: true, returnByValue: true })).result?.result?.value;
  if (!(await js('location.href')).includes('swagger')) await send('Page.navigate', { url: 'http://127.0.0.1:5917/swagger/index.html' });
  for (let i = 0; i < 60 && !(await js("!!document.querySelector('#operations-Images-CreateImageEdit')")); i++) await sleep(500);
  for (let i = 0; i < 10 && (await js("document.querySelector('#operations-Images-CreateImageEdit .opblock-summary-control').getAttribute('aria-expanded')")) !== 'true'; i++) {
    await js("document.querySelector('#operations-Images-CreateImageEdit .opblock-summary-control').click()"); await sleep(1500); }
  console.log('expanded:', await js("document.querySelector('#operations-Images-CreateImageEdit .opblock-summary-control').getAttribute('aria-expanded')"));
  console.log('try-out button:', await js("!!document.querySelector('#operations-Images-CreateImageEdit .try-out__btn')"));
  await js("document.querySelector('#operations-Images-CreateImageEdit .try-out__btn').click()");
  await sleep(1500);
  console.log('form fields:', await js("[...document.querySelectorAll('#operations-Images-CreateImageEdit .parameters tr, #operations-Images-CreateImageEdit table.model tr')].map(r=>r.innerText.replace(/\\s+/g,' ').slice(0,80)).join(' | ')"));
  console.log('file inputs:', await js("document.querySelectorAll('#operations-Images-CreateImageEdit input[type=file]').length"));
  const doc = await send('DOM.getDocument', { depth: -1 });
  const q = await send('DOM.querySelector', { nodeId: doc.result.root.nodeId, selector: '#operations-Images-CreateImageEdit input[type=file]' });
  await send('DOM.setFileInputFiles', { nodeId: q.result.nodeId, files: [file] });
  // React-controlled inputs: set the value through the native setter and dispatch input events.
  await js(`(() => { const rows = [...document.querySelectorAll('#operations-Images-CreateImageEdit tr')];
    const set = (name, v) => { const row = rows.find(r => r.innerText.trim().startsWith(name)); const el = row && row.querySelector('input:not([type=file]), textarea');
      if (!el) return false; const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, v); el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); return true; };
    return [set('prompt', 'a red circle'), set('strength', '0.5'), set('size', 'auto'), set('n', '1')]; })()`);
  await sleep(500);
  await js("document.querySelector('#operations-Images-CreateImageEdit .execute').click()");
  for (let i = 0; i < 240 && !(await js("!!document.querySelector('#operations-Images-CreateImageEdit .live-responses-table tbody .response-col_status')")); i++) await sleep(500);
  console.log('curl shown:', (await js("document.querySelector('#operations-Images-CreateImageEdit .curl')?.innerText"))?.replace(/\s+/g, ' ').slice(0, 300));
  console.log('status:', await js("document.querySelector('#operations-Images-CreateImageEdit .live-responses-table tbody .response-col_status')?.innerText"));
  console.log('body starts:', (await js("document.querySelector('#operations-Images-CreateImageEdit .live-responses-table .response-col_description pre, #operations-Images-CreateImageEdit .live-responses-table .microlight')?.innerText"))?.slice(0, 120));
  const shot = await send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
  require('fs').writeFileSync('swagger-edit.png', Buffer.from(shot.result.data, 'base64'));
  ws.close(); process.exit(0);
})().catch(e => { console.error(e); process.exit(1); });
