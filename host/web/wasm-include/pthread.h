/* SPDX-License-Identifier: MIT */
/*
 * pthread_once for the WebAssembly build of libqdfu (wasi-libc has no
 * threads; a web page runs the library on one thread). Only what
 * host/lib uses: qh_crc32.c builds its table once.
 */
#ifndef QW_PTHREAD_H
#define QW_PTHREAD_H

typedef int pthread_once_t;
#define PTHREAD_ONCE_INIT 0

static inline int pthread_once(pthread_once_t *once, void (*fn)(void))
{
	if (!*once) {
		*once = 1;
		fn();
	}
	return 0;
}

#endif
