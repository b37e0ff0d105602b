// SPDX-License-Identifier: MIT
// The Daisy web programmer's DFU requests over WebUSB, for web_test.py's
// webdfu_daisy case. The sequence is the one tests/e2e/pyusb_client.py
// `webdfu` replays with pyusb; what each step does was read (for facts only,
// no code taken) from electro-smith/Programmer app/dfu-util.js (alt choice,
// start address, download button) and devanlai/webdfu dfu/dfu.js +
// dfu/dfuse.js (functional descriptor, polling, layout parsing, erase,
// write, manifest). Every line on the console starts with "qdfu-web: "; the
// last is "qdfu-web: done ok" or "qdfu-web: failed <reason>".
// Query: image=URL (same origin, raw binary), startoffset=0x... (added to
// the inferred start when it is 0x90000000; default 0x40000 as the
// programmer does).
"use strict";

const DNLOAD = 1, GETSTATUS = 3, CLRSTATUS = 4;
const ST_DNBUSY = 4, ST_DNLOAD_IDLE = 5, ST_MANIFEST = 7, ST_ERROR = 10;
const CMD_SET_ADDRESS = 0x21, CMD_ERASE = 0x41;

function log(s) {
  console.log("qdfu-web: " + s);
  document.getElementById("log").textContent += s + "\n";
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hex = (n) => "0x" + n.toString(16).padStart(8, "0").toUpperCase();

// The configuration descriptor, read with GET_DESCRIPTOR as dfu.js does to
// find the DFU functional descriptor (0x21) after each DFU interface.
async function configDescriptor(dev) {
  const setup = {requestType: "standard", recipient: "device", request: 6,
                 value: 0x0200, index: 0};
  let r = await dev.controlTransferIn(setup, 9);
  const total = r.data.getUint16(2, true);
  r = await dev.controlTransferIn(setup, total);
  if (r.status !== "ok") throw new Error("GET_DESCRIPTOR(configuration): " + r.status);
  return new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
}

// The functional descriptor: bmAttributes, wTransferSize (DFU 1.1, 4.1.3).
function functional(cfg) {
  for (let i = 0; i + 1 < cfg.length && cfg[i] > 0; i += cfg[i]) {
    if (cfg[i + 1] === 0x21 && cfg[i] >= 7)
      return {attributes: cfg[i + 2], transferSize: cfg[i + 5] | (cfg[i + 6] << 8)};
  }
  return null;
}

// dfu.findDeviceDfuInterfaces: every alternate of class FE subclass 01.
function dfuAlts(dev) {
  const out = [];
  for (const intf of dev.configuration.interfaces)
    for (const alt of intf.alternates)
      if (alt.interfaceClass === 0xfe && alt.interfaceSubclass === 0x01)
        out.push({intf: intf.interfaceNumber, alt: alt.alternateSetting,
                  name: alt.interfaceName});
  return out;
}

// A string descriptor in the device's first language (USB 2.0 9.6.7).
async function stringDescriptor(dev, index) {
  const get = async (i, lang) => {
    const setup = {requestType: "standard", recipient: "device", request: 6,
                   value: 0x0300 | i, index: lang};
    const r = await dev.controlTransferIn(setup, 255);
    if (r.status !== "ok") throw new Error("GET_DESCRIPTOR(string " + i + "): " + r.status);
    return new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
  };
  const langs = await get(0, 0);
  const b = await get(index, langs[2] | (langs[3] << 8));
  let s = "";
  for (let i = 2; i + 1 < b[0] && i + 1 < b.length; i += 2)
    s += String.fromCharCode(b[i] | (b[i + 1] << 8));
  return s;
}

// dfu.js fixInterfaceNames: when the browser gives no interface names
// (Chromium on Linux gives null here), read iInterface from the
// configuration descriptor and the strings from the device.
async function fixNames(dev, alts, cfg) {
  if (alts.every((a) => a.name !== null)) return;
  for (let i = 0; i + 1 < cfg.length && cfg[i] > 0; i += cfg[i]) {
    if (cfg[i + 1] !== 4 || cfg[i] < 9) continue;  // INTERFACE descriptor
    const a = alts.find((x) => x.intf === cfg[i + 2] && x.alt === cfg[i + 3]);
    if (a && a.name === null && cfg[i + 8] !== 0) a.name = await stringDescriptor(dev, cfg[i + 8]);
  }
}

// The layout string as dfuse.parseMemoryDescriptor reads it: the name up
// to the first "/", then "/0xADDR/" zones of N*SIZE[ BKM]letter entries;
// letter - 'a' + 1 is the properties mask (1 readable, 2 erasable, 4 writable).
function parseLayout(desc) {
  const end = desc.indexOf("/");
  if (!desc.startsWith("@") || end === -1) throw new Error("not a DfuSe layout: " + desc);
  const zoneRe =
      /\/\s*(0x[0-9a-fA-F]{1,8})\s*\/(\s*[0-9]+\s*\*\s*[0-9]+\s?[ BKM]\s*[abcdefg]\s*,?\s*)+/g;
  const entryRe = /([0-9]+)\s*\*\s*([0-9]+)\s?([ BKM])\s*([abcdefg])\s*,?\s*/g;
  const mult = {" ": 1, "B": 1, "K": 1024, "M": 1048576};
  const segments = [];
  for (const zone of desc.substring(end).matchAll(zoneRe)) {
    let start = parseInt(zone[1], 16);
    for (const e of zone[0].matchAll(entryRe)) {
      const size = parseInt(e[2], 10) * mult[e[3]];
      const props = e[4].charCodeAt(0) - 96;
      const n = parseInt(e[1], 10);
      segments.push({start, end: start + size * n, sectorSize: size, readable: !!(props & 1),
                     erasable: !!(props & 2), writable: !!(props & 4)});
      start += size * n;
    }
  }
  return {name: desc.substring(1, end).trim(), segments};
}

class Dfuse {
  constructor(dev, intf) { this.dev = dev; this.intf = intf; }

  out(request, value, data) {
    return this.dev.controlTransferOut({requestType: "class", recipient: "interface", request,
                                        value, index: this.intf}, data);
  }

  async status() {
    const r = await this.dev.controlTransferIn({requestType: "class", recipient: "interface",
                                                request: GETSTATUS, value: 0,
                                                index: this.intf}, 6);
    if (r.status !== "ok" || r.data.byteLength < 6) throw new Error("GETSTATUS: " + r.status);
    const d = r.data;
    const poll = d.getUint8(1) | (d.getUint8(2) << 8) | (d.getUint8(3) << 16);
    return {status: d.getUint8(0), poll, state: d.getUint8(4)};
  }

  // dfu.Device.poll_until: ask, sleep bwPollTimeout, ask again.
  async pollUntil(pred) {
    let s = await this.status();
    while (!pred(s.state) && s.state !== ST_ERROR) {
      await sleep(s.poll);
      s = await this.status();
    }
    return s;
  }

  // dfuse.Device.dfuseCommand: DNLOAD block 0, poll until not dfuDNBUSY.
  async command(cmd, addr) {
    const b = new Uint8Array(5);
    b[0] = cmd;
    new DataView(b.buffer).setUint32(1, addr, true);
    const r = await this.out(DNLOAD, 0, b);
    if (r.status !== "ok") throw new Error("DNLOAD command " + cmd + ": " + r.status);
    const s = await this.pollUntil((st) => st !== ST_DNBUSY);
    if (s.status !== 0)
      throw new Error("Special DfuSe command 0x" + cmd.toString(16) + " at " + hex(addr) +
                      " failed (state " + s.state + ", status " + s.status + ")");
  }
}

function segmentAt(mem, addr) {
  const s = mem.segments.find((g) => g.start <= addr && addr < g.end);
  if (!s) throw new Error("Address " + hex(addr) + " outside of memory map");
  return s;
}

// dfuse.Device.erase: one ERASE per sector touched, non-erasable ones skipped.
async function erase(d, mem, start, length) {
  let seg = segmentAt(mem, start);
  let addr = seg.start + Math.floor((start - seg.start) / seg.sectorSize) * seg.sectorSize;
  const last = segmentAt(mem, start + length - 1);
  const end = last.start +
      (Math.floor((start + length - 1 - last.start) / last.sectorSize) + 1) * last.sectorSize;
  let n = 0;
  while (addr < end) {
    if (seg.end <= addr) seg = segmentAt(mem, addr);
    if (!seg.erasable) { addr = seg.end; continue; }
    const sector = seg.start + Math.floor((addr - seg.start) / seg.sectorSize) * seg.sectorSize;
    await d.command(CMD_ERASE, sector);
    n++;
    addr = sector + seg.sectorSize;
  }
  return n;
}

async function run() {
  const q = new URLSearchParams(location.search);
  const devs = await navigator.usb.getDevices();
  if (devs.length === 0) throw new Error("no device granted to the page");
  const dev = devs[0];
  await dev.open();
  if (dev.configuration === null) await dev.selectConfiguration(1);
  log("device " + dev.productName + " " + dev.vendorId.toString(16).padStart(4, "0") + ":" +
      dev.productId.toString(16).padStart(4, "0"));
  // app/dfu-util.js: several DFU alts: the first whose name holds 0x08000000
  const cfg = await configDescriptor(dev);
  let alts = dfuAlts(dev);
  await fixNames(dev, alts, cfg);
  for (const a of alts) log("alt " + a.alt + ": " + a.name);
  if (alts.length > 1) alts = alts.filter((a) => a.name && a.name.includes("0x08000000"));
  if (alts.length === 0)
    throw new Error("The selected device does not have a Flash Memory section at 0x08000000");
  const pick = alts[0];
  await dev.claimInterface(pick.intf);
  if (pick.alt !== 0) await dev.selectAlternateInterface(pick.intf, pick.alt);
  const fd = functional(cfg);
  const xfer = fd ? fd.transferSize : 1024;
  const mem = parseLayout(pick.name);
  // "inferred start address": the first writable segment, + 0x40000 at QSPI
  const w = mem.segments.find((s) => s.writable);
  let start = w ? w.start : mem.segments[0].start;
  if (w && start === 0x90000000) start += parseInt(q.get("startoffset") || "0x40000", 16);
  const resp = await fetch(q.get("image"));
  if (!resp.ok) throw new Error("cannot fetch the image " + q.get("image"));
  const data = new Uint8Array(await resp.arrayBuffer());
  log("alt " + pick.alt + " (" + mem.name + "), wTransferSize " + xfer + ", start " + hex(start) +
      ", " + data.length + " bytes");
  const d = new Dfuse(dev, pick.intf);
  const s0 = await d.status();  // the download button: clear an error first
  if (s0.state === ST_ERROR) await d.out(CLRSTATUS, 0);
  const erased = await erase(d, mem, start, data.length);
  log("erase " + erased + " sector(s)");
  for (let off = 0; off < data.length; off += xfer) {
    const chunk = data.subarray(off, Math.min(off + xfer, data.length));
    await d.command(CMD_SET_ADDRESS, start + off);
    const r = await d.out(DNLOAD, 2, chunk);
    if (r.status !== "ok") throw new Error("DNLOAD at " + hex(start + off) + ": " + r.status);
    const s = await d.pollUntil((st) => st === ST_DNLOAD_IDLE);
    if (s.status !== 0)
      throw new Error("DFU DOWNLOAD failed state=" + s.state + ", status=" + s.status);
  }
  log("write " + data.length + "/" + data.length + " bytes (100%)");
  // leave: SET_ADDRESS(start), empty DNLOAD, poll until dfuMANIFEST; the
  // board may reset under the poll (the programmer logs that, not fatal)
  await d.command(CMD_SET_ADDRESS, start);
  await d.out(DNLOAD, 0, new Uint8Array(0));
  try {
    await d.pollUntil((st) => st === ST_MANIFEST);
    log("manifest: dfuMANIFEST");
  } catch (e) {
    log("manifest poll: " + e.message + " (the board left DFU)");
  }
  log("wrote " + data.length + " bytes at " + hex(start) + " through alt " + pick.alt);
}

run().then(() => log("done ok"), (e) => log("failed " + (e && e.message ? e.message : e)));
