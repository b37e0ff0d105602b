// SPDX-License-Identifier: MIT
// The web flasher's WebAssembly build of libqdfu (build/.../web/qdfu.wasm) under
// node: every file format parses to the right bytes at the right addresses, and
// the plan is checked against a device layout (accepted, read-only sector and
// unmapped addresses refused) by the same C code as the command line.
//   node wasm_test.js WEB_DIR
"use strict";
const fs = require("fs");
const path = require("path");
const assert = require("assert");

const webDir = path.resolve(process.argv[2]);
const QdfuWasm = require(path.join(webDir, "qdfu-wasm.js"));

const INTERNAL = "@Internal Flash  /0x08000000/01*128Ka,15*128Kg";
const QSPI = "@QSPI Flash /0x90000000/2048*64Kg";

function payload(n, seed) {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    b[i] = (x >> 16) & 0xff;
  }
  return b;
}

const hex2 = (v) => v.toString(16).toUpperCase().padStart(2, "0");

// Intel HEX: type 04 records, 16 data bytes per record, end record.
function ihex(addr, data) {
  const lines = [];
  const rec = (type, a, bytes) => {
    const b = [bytes.length, (a >> 8) & 0xff, a & 0xff, type, ...bytes];
    const sum = (0x100 - (b.reduce((s, v) => s + v, 0) & 0xff)) & 0xff;
    lines.push(":" + b.map(hex2).join("") + hex2(sum));
  };
  let upper = -1;
  for (let off = 0; off < data.length; off += 16) {
    const a = (addr + off) >>> 0;
    if (a >>> 16 !== upper) {
      upper = a >>> 16;
      rec(4, 0, [upper >> 8, upper & 0xff]);
    }
    rec(0, a & 0xffff, Array.from(data.subarray(off, off + 16)));
  }
  rec(1, 0, []);
  return new TextEncoder().encode(lines.join("\n") + "\n");
}

// Motorola S-record: S0 header, S3 data, S7 end.
function srec(addr, data) {
  const lines = [];
  const rec = (type, bytes) => {
    const b = [bytes.length + 1, ...bytes];
    const sum = 0xff - (b.reduce((s, v) => s + v, 0) & 0xff);
    lines.push("S" + type + b.map(hex2).join("") + hex2(sum));
  };
  const be32 = (v) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  rec(0, [0, 0, 0x71, 0x64]);
  for (let off = 0; off < data.length; off += 32)
    rec(3, [...be32(addr + off), ...data.subarray(off, off + 32)]);
  rec(7, be32(addr));
  return new TextEncoder().encode(lines.join("\n") + "\n");
}

// ELF32 little endian, one PT_LOAD segment at physical address paddr.
function elf(paddr, data) {
  const ehsize = 52, phsize = 32, off = ehsize + phsize;
  const b = new Uint8Array(off + data.length);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 40, true); // EM_ARM
  v.setUint32(20, 1, true);
  v.setUint32(24, paddr + 1, true); // e_entry
  v.setUint32(28, ehsize, true); // e_phoff
  v.setUint16(40, ehsize, true);
  v.setUint16(42, phsize, true);
  v.setUint16(44, 1, true); // e_phnum
  v.setUint16(46, 40, true); // e_shentsize
  v.setUint32(ehsize + 0, 1, true); // PT_LOAD
  v.setUint32(ehsize + 4, off, true);
  v.setUint32(ehsize + 8, 0x20000000, true); // p_vaddr: not where it is loaded
  v.setUint32(ehsize + 12, paddr, true);
  v.setUint32(ehsize + 16, data.length, true);
  v.setUint32(ehsize + 20, data.length, true);
  v.setUint32(ehsize + 24, 5, true);
  b.set(data, off);
  return b;
}

// CRC-32 without the final XOR, as the DFU suffix stores it (DFU 1.1 B.1).
function crcDfu(bytes) {
  let c = 0xffffffff;
  for (const x of bytes) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
}

// DfuSe file (UM0391): prefix, one target with one element, DFU suffix.
function dfuse(addr, data) {
  const elemLen = 8 + data.length, tgtLen = 274 + elemLen;
  const body = new Uint8Array(11 + tgtLen + 16);
  const v = new DataView(body.buffer);
  body.set(new TextEncoder().encode("DfuSe"), 0);
  body[5] = 1;
  v.setUint32(6, 11 + tgtLen, true);
  body[10] = 1;
  body.set(new TextEncoder().encode("Target"), 11);
  v.setUint32(11 + 266, tgtLen - 274, true);
  v.setUint32(11 + 270, 1, true);
  v.setUint32(11 + 274, addr, true);
  v.setUint32(11 + 278, data.length, true);
  body.set(data, 11 + 282);
  const s = 11 + tgtLen;
  v.setUint16(s, 0xffff, true); // bcdDevice
  v.setUint16(s + 2, 0xdf11, true);
  v.setUint16(s + 4, 0x0483, true);
  v.setUint16(s + 6, 0x011a, true);
  body.set([0x55, 0x46, 0x44], s + 8); // "UFD"
  body[s + 11] = 16;
  v.setUint32(s + 12, crcDfu(body.subarray(0, s + 12)), true);
  return body;
}

function sameBytes(q, img, addr, data) {
  assert.strictEqual(img.rc, 0, img.error && img.error.msg);
  assert.deepStrictEqual(img.info.segments, [[addr, data.length]], "one segment at the address");
  assert.strictEqual(img.info.bytes, data.length);
  q.x.qw_image_free(img.img);
}

async function main() {
  const q = await QdfuWasm.load(fs.readFileSync(path.join(webDir, "qdfu.wasm")));
  const data = payload(3000, 7);
  const app = 0x08020000;
  let n = 0;
  const test = (name, f) => {
    f();
    n++;
    console.log("ok " + n + " " + name);
  };

  test("Intel HEX", () => sameBytes(q, q.loadImage("app.hex", ihex(app, data)), app, data));
  test("S-record", () => sameBytes(q, q.loadImage("app.srec", srec(app, data)), app, data));
  test("ELF at its physical address",
       () => sameBytes(q, q.loadImage("app.elf", elf(app, data)), app, data));
  test("DfuSe", () => sameBytes(q, q.loadImage("app.dfu", dfuse(0x90000000, data)),
                                0x90000000, data));
  test("raw binary at an address",
       () => sameBytes(q, q.loadImage("app.bin", data, 0x90010000), 0x90010000, data));
  test("raw binary without an address is refused with what to do", () => {
    const r = q.loadImage("app.bin", data, null);
    assert.strictEqual(r.rc, QdfuWasm.QH.E_USAGE);
    assert.match(r.error.msg, /@ADDRESS/);
  });
  test("a bad checksum is a format error naming the line", () => {
    const bad = ihex(app, data);
    bad[10] = bad[10] === 0x30 ? 0x31 : 0x30;
    const r = q.loadImage("bad.hex", bad, null);
    assert.strictEqual(r.rc, QdfuWasm.QH.E_FORMAT);
    assert.match(r.error.msg, /bad\.hex/);
  });

  assert.strictEqual(q.setLayouts([INTERNAL, QSPI]), 0);
  test("plan: internal + QSPI image fits, pages listed", () => {
    const img = q.loadImage("app.hex", ihex(app, data)).img;
    const name = q.put("q.bin"), bytes = q.put(data);
    assert.strictEqual(q.x.qw_image_load(img, name, bytes, data.length, 1, 0x90000000), 0);
    q.x.qw_free(name);
    q.x.qw_free(bytes);
    const r = q.check(img);
    assert.strictEqual(r.rc, 0, r.error && r.error.msg);
    assert.strictEqual(r.plan.bytes, 2 * data.length);
    assert.strictEqual(r.plan.pages, 2); // one 128 KiB sector, one 64 KiB QSPI block
    assert.strictEqual(r.plan.erase_bytes, 128 * 1024 + 64 * 1024);
    assert.deepStrictEqual(r.plan.chunks.map((c) => c.region), ["Internal Flash", "QSPI Flash"]);
    q.x.qw_image_free(img);
  });
  test("plan: the bootloader's read-only sector is refused", () => {
    const img = q.loadImage("boot.hex", ihex(0x08000000, data)).img;
    const r = q.check(img);
    assert.strictEqual(r.rc, QdfuWasm.QH.E_MAP);
    assert.match(r.error.msg, /0x08000000/);
    q.x.qw_image_free(img);
  });
  test("plan: an address outside the memory map is refused", () => {
    const img = q.loadImage("far.bin", data, 0x30000000).img;
    const r = q.check(img);
    assert.strictEqual(r.rc, QdfuWasm.QH.E_MAP);
    assert.match(r.error.msg, /0x30000000/);
    q.x.qw_image_free(img);
  });
  test("plan: data past the end of QSPI is refused", () => {
    const img = q.loadImage("end.bin", data, 0x90000000 + 128 * 1024 * 1024 - 100).img;
    assert.strictEqual(q.check(img).rc, QdfuWasm.QH.E_MAP);
    q.x.qw_image_free(img);
  });
  console.log("1.." + n);
}

main().catch((e) => {
  console.error("FAIL: " + (e && e.stack ? e.stack : e));
  process.exit(1);
});
