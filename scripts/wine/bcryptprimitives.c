/* Test shim for Debian 12's Wine 8, which lacks bcryptprimitives.dll
 * (Windows 8 and later, and Wine 9, have it). Rust's standard library asks
 * it for ProcessPrng (the random keys of its hash maps); this answers with
 * RtlGenRandom. Used only by scripts/package-check.sh, never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
