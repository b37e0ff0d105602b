// SPDX-License-Identifier: MIT
// The web flasher page: connect, show the device, load and check an image,
// flash with progress. The work itself is libqdfu's (qdfu.wasm, see
// qdfu-wasm.js); the transport is qdfu-usb.js.
//
// Automation (tests, docs/web.md): index.html?image=URL&autostart=1
// [&address=0x...][&board=NAME][&start=0] flashes the first granted device
// without clicks; console lines start with "qdfu-web: " and the last one is
// exactly "qdfu-web: done ok" or "qdfu-web: failed <reason>".
(function () {
  "use strict";

  // firmware/boards/*.c: the boards with a flasher (flashers/qdfu-flasher-NAME.bin).
  const BOARDS = ["stm32h745i-disco", "stm32h747i-disco", "stm32h750b-dk", "daisy-seed",
                  "weact-h750", "portenta-h7", "giga-r1"];
  const KIND_ST_ROM = 1; // enum qh_kind, host/lib/qh_dfu.h
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const state = { wasm: null, transport: null, dev: null, img: 0, imgName: "", busy: false,
                  phases: {}, phaseRuns: {}, flashed: false };

  function log(msg, quiet) {
    const line = "qdfu-web: " + msg;
    console.log(line);
    if (!quiet) $("log").textContent += line + "\n";
  }

  function hex(v) {
    return "0x" + (v >>> 0).toString(16).toUpperCase().padStart(8, "0");
  }

  function size(n) {
    if (n >= 1048576 && n % 1048576 === 0) return n / 1048576 + " MiB";
    if (n >= 1024 && n % 1024 === 0) return n / 1024 + " KiB";
    if (n >= 10240) return (n / 1024).toFixed(1) + " KiB";
    return n + " B";
  }

  function duration(ms) {
    if (!isFinite(ms)) return "–";
    const s = Math.round(ms / 1000);
    return s >= 60 ? Math.floor(s / 60) + " min " + (s % 60) + " s" : (ms / 1000).toFixed(1) + " s";
  }

  function show(id, html) {
    $(id).innerHTML = html;
    $(id).hidden = !html;
  }

  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
                                                   '"': "&quot;" }[c]));
  }

  // An error in the page: what is wrong and what to do.
  class PageError extends Error {
    constructor(msg, hint) {
      super(msg);
      this.hint = hint || "";
    }
  }

  function wasmError(rc) {
    const e = state.wasm.error(rc);
    return new PageError(e.msg || e.id, e.hint);
  }

  function showError(e) {
    const hint = e.hint ? "<p>What to do: " + esc(e.hint) + "</p>" : "";
    show("error", "<p><b>Error:</b> " + esc(e.message) + "</p>" + hint);
  }

  function updateButtons() {
    $("flash").disabled = state.busy || !state.dev || !state.img;
    $("connect").disabled = state.busy;
  }

  // ------------------------------------------------------------ progress

  // libqdfu's progress (qh_progress_fn): "check" counts pages (the device
  // CRC of each page the image touches), the other phases bytes. A phase
  // that starts again with another total (the image descriptor, written
  // after the image) gets a row of its own.
  function progress(phase, done, total) {
    const now = performance.now();
    let p = state.phases[phase];
    if (p && p.total !== total && p.done >= p.total) {
      p.n = (p.n || 1) + 1;
      state.phases[phase] = null;
      p = null;
    }
    if (!p) {
      const n = state.phaseRuns[phase] = (state.phaseRuns[phase] || 0) + 1;
      p = state.phases[phase] = { t0: now, row: document.createElement("tr"), logged: -1,
                                  name: n > 1 ? phase + " (" + n + ")" : phase, total };
      $("progress").querySelector("tbody").appendChild(p.row);
      $("progress").hidden = false;
    }
    p.done = done;
    const pages = phase === "check";
    const amount = (v) => (pages ? v + " pages" : size(v));
    const elapsed = now - p.t0;
    const rate = elapsed > 0 ? done / (elapsed / 1000) : 0;
    const eta = rate > 0 ? ((total - done) / rate) * 1000 : Infinity;
    const pct = total ? Math.floor((done * 100) / total) : 100;
    p.row.innerHTML = "<td>" + esc(p.name) + "</td><td>" + amount(done) + " / " +
      amount(total) + "</td><td><progress max='" + total + "' value='" + done + "'></progress> " +
      pct + "%</td><td>" + (rate && !pages ? size(Math.round(rate)) + "/s" : "–") +
      "</td><td>" + duration(elapsed) + "</td><td>" + (done >= total ? "done" : duration(eta)) +
      "</td>";
    const step = Math.floor(pct / 25);
    if (step !== p.logged) {
      p.logged = step;
      log(p.name + " " + done + "/" + total + (pages ? " pages" : " bytes") + " (" + pct +
          "%), " + (rate && !pages ? Math.round(rate / 1024) + " KiB/s" : "-") + ", elapsed " +
          duration(elapsed) + ", ETA " + (done >= total ? "0 s" : duration(eta)));
    }
  }

  // -------------------------------------------------------------- wasm

  async function loadWasm() {
    if (!("usb" in navigator))
      throw new PageError("this browser has no WebUSB",
                          "use Chrome or Edge (desktop or Android), version 137 or newer");
    if (typeof WebAssembly.Suspending !== "function")
      throw new PageError("this browser cannot run the flasher: no WebAssembly JavaScript " +
                          "Promise Integration", "update Chrome or Edge to version 137 or newer");
    const r = await fetch("qdfu.wasm");
    if (!r.ok) throw new PageError("qdfu.wasm is missing next to the page (" + r.status + ")",
                                   "build it with `make web`, or serve the page with `qdfu web`");
    // The transport the C code uses is whichever device is open now.
    const t = {
      control: (...a) => state.transport ? state.transport.control(...a) : -6,
      setAlt: (i, a) => state.transport ? state.transport.setAlt(i, a) : -6,
      reset: () => state.transport ? state.transport.reset() : -6,
      sleepMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      nowMs: () => performance.now(),
      progress,
    };
    state.wasm = await QdfuWasm.load(await r.arrayBuffer(), t);
  }

  // ------------------------------------------------------------ device

  function showDevice(d) {
    const rows = d.regions.map((r) => "<tr><td>" + r.alt + "</td><td>" + esc(r.name) +
      "</td><td>" + hex(r.base) + "</td><td>" + esc(r.size_text) + "</td><td>" +
      r.groups.map((g) => g[0] + " × " + size(g[1]) + " " + g[2]).join(", ") +
      (r.excluded ? " (not written)" : "") + "</td></tr>").join("");
    show("device", "<p><b>" + esc(d.product || "?") + "</b> — " + esc(d.kind) + ", " +
      d.vid.toString(16).padStart(4, "0") + ":" + d.pid.toString(16).padStart(4, "0") +
      (d.serial ? ", serial " + esc(d.serial) : "") +
      (d.has_info ? ", qdfu " + (d.fw_version >> 8) + "." + (d.fw_version & 0xff) : "") +
      (d.crc ? ", device CRC" : "") + "</p>" +
      "<table><thead><tr><th>alt</th><th>memory</th><th>start</th><th>size</th>" +
      "<th>pages</th></tr></thead><tbody>" + rows + "</tbody></table>");
    $("rom").hidden = d.kind_id !== KIND_ST_ROM;
  }

  async function openDevice(usbDevice) {
    if (state.transport) await state.transport.close();
    state.transport = new QdfuUsb.WebUsbTransport(usbDevice, log);
    try {
      await state.transport.open();
    } catch (e) {
      throw new PageError("cannot open the USB device: " + e.message,
        "on Linux install qdfu's udev rule, on Windows check the driver (see below); close " +
        "other programs using the board (dfu-util, STM32CubeProgrammer, qdfu)");
    }
    const rc = await state.wasm.x.qw_open();
    if (rc) throw wasmError(rc);
    state.dev = state.wasm.device();
    log("device " + state.dev.product + " (" + state.dev.kind + ")" +
        (state.dev.serial ? " serial " + state.dev.serial : ""));
    for (const r of state.dev.regions)
      log("memory " + r.name + " at " + hex(r.base) + ", " + r.size_text);
    showDevice(state.dev);
  }

  async function connect() {
    const d = await navigator.usb.requestDevice({ filters: QdfuUsb.FILTERS });
    await openDevice(d);
    await checkImage();
  }

  // Wait for the device that appears after the ROM started the flasher.
  async function waitFlasher(old) {
    for (let i = 0; i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const list = (await navigator.usb.getDevices()).filter(
        (d) => d !== old && QdfuUsb.matches(d) && /qdfu/.test(d.productName || ""));
      if (list.length) return list[0];
    }
    throw new PageError("the flasher did not appear within 20 s after the ROM started it",
      "if the browser asks, allow the new \"qdfu flasher\" device (Connect…) and flash " +
      "again; else reset the board with BOOT0 high and retry");
  }

  // ------------------------------------------------------------- image

  function parseAddress(s) {
    if (!/^0x[0-9a-f]{1,8}$/i.test(s.trim()))
      throw new PageError("the address of a .bin must be hexadecimal with 0x, e.g. 0x08020000");
    return parseInt(s.trim(), 16);
  }

  function loadImage(name, bytes, addrText) {
    if (state.img) state.wasm.x.qw_image_free(state.img);
    state.img = 0;
    show("plan", "");
    const isBin = /\.(bin|raw|img)$/i.test(name);
    const r = state.wasm.loadImage(name, bytes, isBin ? parseAddress(addrText) : null);
    if (r.rc) throw new PageError(r.error.msg, r.error.hint);
    state.img = r.img;
    state.imgName = name;
    const segs = r.info.segments.map((s) => hex(s[0]) + "–" + hex(s[0] + s[1] - 1) + " (" +
                                               size(s[1]) + ")");
    log("image " + name + ": " + r.info.bytes + " bytes in " + segs.length + " range(s): " +
        segs.join(", "));
    show("image", "<p><b>" + esc(name) + "</b>: " + size(r.info.bytes) + "</p><ul><li>" +
         segs.join("</li><li>") + "</li></ul>");
  }

  // The whole image against the device's memory map, before anything is erased.
  async function checkImage() {
    show("error", "");
    updateButtons();
    if (!state.img || !state.dev || state.dev.kind_id === KIND_ST_ROM) return;
    const r = state.wasm.check(state.img);
    if (r.rc) {
      show("plan", "");
      throw new PageError(r.error.msg, r.error.hint);
    }
    const p = r.plan;
    log("plan " + p.bytes + " bytes, " + p.pages + " page(s) to erase (" + p.erase_bytes +
        " bytes)");
    show("plan", "<p>Checked against the device: " + size(p.bytes) + " to write, " + p.pages +
      " page(s) (" + size(p.erase_bytes) + ") to erase at most; pages that already hold " +
      "the image are skipped.</p>");
  }

  async function onFile() {
    const f = $("file").files[0];
    if (!f) return;
    $("addr-label").hidden = !/\.(bin|raw|img)$/i.test(f.name);
    loadImage(f.name, new Uint8Array(await f.arrayBuffer()), $("addr").value);
    await checkImage();
  }

  // ------------------------------------------------------------- flash

  async function romStart(board) {
    if (!board) throw new PageError("choose the board: ST's ROM cannot tell which it is");
    const name = "qdfu-flasher-" + board + ".bin";
    const r = await fetch("flashers/" + name);
    if (!r.ok) throw new PageError("no flasher for " + board + " next to the page (" + name +
      ", HTTP " + r.status + ")", "build it with `make firmware` and `make web`, or use " +
      "`qdfu web`, which serves the installed flashers");
    const bytes = new Uint8Array(await r.arrayBuffer());
    const w = state.wasm;
    const fp = w.put(bytes), bp = w.put(board);
    log("ST ROM: loading " + name + " into RAM");
    const old = state.transport.device;
    const rc = await w.x.qw_rom_start(fp, bytes.length, bp, state.img);
    w.x.qw_free(fp);
    w.x.qw_free(bp);
    if (rc) throw wasmError(rc);
    await state.transport.close();
    state.transport = null;
    log("ST ROM: flasher started; waiting for it");
    await openDevice(await waitFlasher(old));
    await checkImage();
  }

  async function flash() {
    state.busy = true;
    updateButtons();
    state.phases = {};
    state.phaseRuns = {};
    state.flashed = false;
    $("progress").querySelector("tbody").innerHTML = "";
    show("result", "");
    show("error", "");
    const t0 = performance.now();
    try {
      if (state.dev.kind_id === KIND_ST_ROM) await romStart($("board").value);
      const rc = await state.wasm.x.qw_flash($("start").checked ? 1 : 0);
      if (rc) throw wasmError(rc);
      const res = JSON.parse(state.wasm.str(state.wasm.x.qw_result_json()));
      const msg = state.imgName + " written and verified by " +
        (state.dev.crc ? "device CRC" : "read-back") + " in " +
        duration(performance.now() - t0) + ": " + res.pages_erased + " page(s) erased, " +
        res.pages_already_erased + " already erased, " + res.pages_unchanged +
        " unchanged page(s) skipped, " + res.bytes_written +
        " bytes written" + ($("start").checked ? "; the application was started" : "");
      log(msg);
      show("result", "<p>" + esc(msg) + "</p>");
      state.dev = null; // it left DFU (or must be reconnected)
      state.flashed = true;
    } finally {
      state.busy = false;
      updateButtons();
    }
  }

  // ------------------------------------------------------- automation

  async function autostart() {
    const url = params.get("image");
    log("autostart " + url);
    const r = await fetch(url);
    if (!r.ok) throw new PageError("cannot fetch " + url + ": HTTP " + r.status);
    const name = decodeURIComponent(url.split("/").pop().split("?")[0]);
    loadImage(name, new Uint8Array(await r.arrayBuffer()), params.get("address") || "");
    const devs = (await navigator.usb.getDevices()).filter(QdfuUsb.matches);
    if (!devs.length)
      throw new PageError("no device granted to this page",
                          "connect the board and allow it (Connect…) once");
    await openDevice(devs[0]);
    if (params.get("board")) $("board").value = params.get("board");
    if (params.get("start") === "0") $("start").checked = false;
    await checkImage();
    await flash();
  }

  function fail(e) {
    const reason = (e && e.message ? e.message : String(e)).replace(/\s+/g, " ");
    showError(e instanceof PageError ? e : new PageError(reason));
    log("failed " + reason);
    state.busy = false;
    updateButtons();
  }

  function guard(f) {
    return () => f().catch(fail);
  }

  async function init() {
    for (const b of BOARDS) {
      const o = document.createElement("option");
      o.value = o.textContent = b;
      $("board").appendChild(o);
    }
    $("connect").addEventListener("click", guard(connect));
    $("file").addEventListener("change", guard(onFile));
    $("addr").addEventListener("change", guard(onFile));
    $("flash").addEventListener("click", guard(flash));
    if ("usb" in navigator)
      navigator.usb.addEventListener("disconnect", (ev) => {
        if (!state.busy && state.transport && ev.device === state.transport.device) {
          state.dev = null;
          show("device", state.flashed
            ? "<p>The board left the bootloader: the application runs. To flash again, " +
              "start the bootloader and connect.</p>"
            : "<p>The device was disconnected.</p>");
          updateButtons();
        }
      });
    await loadWasm();
    log("ready");
    if (params.get("autostart") === "1") {
      await autostart();
      log("done ok");
    }
  }

  window.addEventListener("load", () => init().catch(fail));
})();
