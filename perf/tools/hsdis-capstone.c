/*
 * A HotSpot disassembler plugin ("hsdis") built on the Capstone library, so that -XX:+PrintAssembly and JMH's
 * -prof perfasm print x86-64 instructions instead of raw bytes. JDK 17 ships no hsdis, and Debian's
 * libhsdis0-fcml exports only the pre-JDK 9 entry point, which JDK 17 does not call. A profiling aid for perf/
 * only: nothing in the library or its tests uses it. Build with perf/tools/build-hsdis.
 */
#include <stddef.h>
#include <stdint.h>
#include <capstone/capstone.h>

typedef void* (*hsdis_event_callback)(void* stream, const char* event, void* arg);
typedef int (*hsdis_printf_callback)(void* stream, const char* format, ...);

/* The entry point HotSpot (JDK 9+) looks up: decode [buffer, buffer + length), which sits at start_va. */
void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char* buffer, uintptr_t length,
                                  hsdis_event_callback event, void* event_stream,
                                  hsdis_printf_callback print, void* print_stream,
                                  const char* options, int newline)
{
    (void)end_va;
    (void)options;
    csh handle;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK)
    {
        return NULL;
    }
    cs_insn* insns;
    const size_t count = cs_disasm(handle, buffer, length, start_va, 0, &insns);
    for (size_t i = 0; i < count; i++)
    {
        /* HotSpot brackets each instruction with these events to print its own annotations around it */
        event(event_stream, "insn", (void*)(uintptr_t)insns[i].address);
        print(print_stream, "%-8s %s", insns[i].mnemonic, insns[i].op_str);
        event(event_stream, "/insn", (void*)(uintptr_t)(insns[i].address + insns[i].size));
        if (newline)
        {
            print(print_stream, "\n");
        }
    }
    if (count > 0)
    {
        cs_free(insns, count);
    }
    cs_close(&handle);
    return (void*)(start_va + length);
}
