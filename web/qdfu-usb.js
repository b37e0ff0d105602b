// SPDX-License-Identifier: MIT
// The web flasher's only JavaScript USB code: libqdfu's transport
// (struct qh_transport_ops, host/lib/qh_dfu.h) over WebUSB. Everything the
// transfers mean (DFU, DfuSe, qdfu's vendor requests) is libqdfu's C code in
// qdfu.wasm; this file moves bytes between WebUSB and wasm memory.
(function (root) {
  "use strict";

  const QH_E_NODEV = -6, QH_E_USB = -9, QH_E_PIPE = -10, QH_E_TIMEOUT = -14;
  const TYPES = ["standard", "class", "vendor"];
  const RECIPIENTS = ["device", "interface", "endpoint", "other"];

  // The devices the page asks for (navigator.usb.requestDevice filters):
  // qdfu's default IDs and ST's ROM DFU bootloader (both 0483:df11,
  // firmware/boards/*.c), the Arduino boards' own IDs (portenta_h7.c,
  // giga_r1.c), and any DFU-mode interface (class 0xFE, subclass 1, protocol 2:
  // a product that ships its own VID:PID; qdfu then recognises its bootloader
  // by the Microsoft OS 2.0 interface GUID, host/lib/qh_msos.c).
  const FILTERS = [
    { vendorId: 0x0483, productId: 0xdf11 },
    { vendorId: 0x2341, productId: 0x035b },
    { vendorId: 0x2341, productId: 0x0366 },
    { classCode: 0xfe, subclassCode: 0x01, protocolCode: 0x02 },
  ];

  function matches(d) {
    return FILTERS.some((f) => f.vendorId === undefined
      ? d.configurations.some((c) => c.interfaces.some((i) => i.alternates.some(
          (a) => a.interfaceClass === 0xfe && a.interfaceSubclass === 1)))
      : d.vendorId === f.vendorId && d.productId === f.productId);
  }

  function errCode(e) {
    if (e && e.name === "NotFoundError") return QH_E_NODEV;
    return QH_E_USB;
  }

  function withTimeout(p, ms) {
    let timer;
    const t = new Promise((resolve) => {
      timer = setTimeout(() => resolve("timeout"), ms > 0 ? ms : 5000);
    });
    return Promise.race([p, t]).finally(() => clearTimeout(timer));
  }

  class WebUsbTransport {
    constructor(device, log) {
      this.device = device;
      this.log = log || (() => {});
      this.intf = 0;
    }

    // Open the device and claim its DFU interface (class 0xFE subclass 1).
    async open() {
      const d = this.device;
      if (!d.opened) await d.open();
      if (!d.configuration) await d.selectConfiguration(1);
      for (const i of d.configuration.interfaces)
        if (i.alternates.some((a) => a.interfaceClass === 0xfe && a.interfaceSubclass === 1))
          this.intf = i.interfaceNumber;
      if (!d.configuration.interfaces.find((i) => i.interfaceNumber === this.intf).claimed)
        await d.claimInterface(this.intf);
    }

    async close() {
      try {
        if (this.device.opened) await this.device.close();
      } catch (e) {
        /* gone already */
      }
    }

    // One control transfer: bytes transferred, or a negative QH_E_* code.
    async control(type, req, value, index, ptr, len, timeoutMs, wasm) {
      const setup = { requestType: TYPES[(type >> 5) & 3] || "vendor",
                      recipient: RECIPIENTS[type & 0x1f] || "other",
                      request: req, value, index };
      try {
        let r;
        if (type & 0x80) {
          r = await withTimeout(this.device.controlTransferIn(setup, len), timeoutMs);
          if (r === "timeout") return QH_E_TIMEOUT;
          if (r.status === "stall") return QH_E_PIPE;
          const got = new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
          wasm.u8().set(got.subarray(0, len), ptr);
          return Math.min(got.length, len);
        }
        const data = wasm.u8().slice(ptr, ptr + len);
        r = await withTimeout(this.device.controlTransferOut(setup, data), timeoutMs);
        if (r === "timeout") return QH_E_TIMEOUT;
        if (r.status === "stall") return QH_E_PIPE;
        return r.bytesWritten;
      } catch (e) {
        this.log("control " + req.toString(16) + ": " + e.name + ": " + e.message, true);
        return errCode(e);
      }
    }

    async setAlt(intf, alt) {
      try {
        await this.device.selectAlternateInterface(intf, alt);
        return 0;
      } catch (e) {
        return errCode(e);
      }
    }

    async reset() {
      try {
        await this.device.reset();
        return 0;
      } catch (e) {
        return QH_E_NODEV; // the device re-enumerated (or went away)
      }
    }

    sleepMs(ms) {
      return new Promise((resolve) => setTimeout(resolve, ms));
    }
  }

  root.QdfuUsb = { FILTERS, matches, WebUsbTransport };
})(this);
