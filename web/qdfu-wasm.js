// SPDX-License-Identifier: MIT
// libqdfu in WebAssembly (build/web/qdfu.wasm, from host/lib + host/web/qw_api.c):
// loading, strings in and out, and the JavaScript Promise Integration that lets
// the library's synchronous DFU code wait for asynchronous WebUSB transfers.
// Used by the page (index.html) and by the node unit test (tests/web/wasm_test.js).
(function (root) {
  "use strict";

  // Error codes of host/lib/qh_err.h.
  const QH = { OK: 0, E_USAGE: -1, E_FORMAT: -3, E_MAP: -5, E_NODEV: -6, E_USB: -9,
               E_PIPE: -10, E_TIMEOUT: -14, E_UNSUPPORTED: -15 };

  // The operations that reach the device (they call the transport imports).
  const ASYNC_EXPORTS = ["qw_open", "qw_flash", "qw_rom_start"];

  class QdfuWasm {
    // bytes: the .wasm file; transport: {control, setAlt, reset, sleepMs, nowMs,
    // progress} (control, setAlt, reset and sleepMs may be async in a browser with
    // JSPI; the node test gives none and calls only the synchronous exports).
    static async load(bytes, transport) {
      const t = transport || {};
      const self = new QdfuWasm();
      const jspi = typeof WebAssembly.Suspending === "function";
      const wrap = (f) => (jspi ? new WebAssembly.Suspending(f) : f);
      const none = () => QH.E_UNSUPPORTED;
      const env = {
        js_control: wrap(async (type, req, value, index, ptr, len, timeout) =>
          t.control ? t.control(type, req, value, index, ptr, len, timeout, self) : none()),
        js_set_alt: wrap(async (intf, alt) => (t.setAlt ? t.setAlt(intf, alt) : none())),
        js_reset: wrap(async () => (t.reset ? t.reset() : none())),
        js_sleep_ms: wrap(async (ms) => (t.sleepMs ? t.sleepMs(ms) : undefined)),
        js_now_ms: () => (t.nowMs ? t.nowMs() : Date.now()),
        js_progress: (phase, done, total) => {
          if (t.progress) t.progress(self.str(phase), done, total);
        },
      };
      const module = await WebAssembly.compile(bytes);
      // wasi-libc's stdio is linked but never used by the exported functions:
      // every WASI call answers ENOSYS (52).
      const wasi = {};
      for (const imp of WebAssembly.Module.imports(module))
        if (imp.module === "wasi_snapshot_preview1") wasi[imp.name] = () => 52;
      const inst = await WebAssembly.instantiate(module, { env, wasi_snapshot_preview1: wasi });
      self.x = {};
      for (const [name, f] of Object.entries(inst.exports))
        self.x[name] = jspi && ASYNC_EXPORTS.includes(name) ? WebAssembly.promising(f) : f;
      self.jspi = jspi;
      self.memory = inst.exports.memory;
      inst.exports._initialize();
      return self;
    }

    u8() {
      return new Uint8Array(this.memory.buffer);
    }

    str(ptr) {
      const m = this.u8();
      let end = ptr;
      while (m[end]) end++;
      return new TextDecoder().decode(m.subarray(ptr, end));
    }

    // Copy bytes (Uint8Array) or a string (NUL-terminated) into wasm memory.
    put(data) {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data + "\0") : data;
      const p = this.x.qw_malloc(bytes.length);
      this.u8().set(bytes, p);
      return p;
    }

    error(rc) {
      return { code: rc, id: this.str(this.x.qw_err_id(rc)), msg: this.str(this.x.qw_err_msg()),
               hint: this.str(this.x.qw_err_hint()) };
    }

    // A firmware file into a new image. addr: a raw binary's address or null.
    loadImage(name, bytes, addr) {
      const img = this.x.qw_image_new();
      const n = this.put(name), b = this.put(bytes);
      const has = addr !== null && addr !== undefined;
      const rc = this.x.qw_image_load(img, n, b, bytes.length, has ? 1 : 0, has ? addr >>> 0 : 0);
      this.x.qw_free(n);
      this.x.qw_free(b);
      if (rc) {
        const e = this.error(rc);
        this.x.qw_image_free(img);
        return { rc, error: e };
      }
      return { rc: 0, img, info: JSON.parse(this.str(this.x.qw_image_json(img))) };
    }

    // The memory map from layout strings without a device (tests, offline check).
    setLayouts(alts) {
      this.x.qw_map_clear();
      for (let i = 0; i < alts.length; i++) {
        const s = this.put(alts[i]);
        const rc = this.x.qw_map_add(i, s);
        this.x.qw_free(s);
        if (rc) return rc;
      }
      return 0;
    }

    check(img) {
      const rc = this.x.qw_check(img);
      return rc ? { rc, error: this.error(rc) }
                : { rc: 0, plan: JSON.parse(this.str(this.x.qw_plan_json())) };
    }

    device() {
      return JSON.parse(this.str(this.x.qw_dev_json()));
    }
  }

  QdfuWasm.QH = QH;
  if (typeof module !== "undefined" && module.exports) module.exports = QdfuWasm;
  else root.QdfuWasm = QdfuWasm;
})(this);
