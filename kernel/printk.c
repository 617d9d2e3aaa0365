/*
 * printk and the klog ring buffer. Owns the only formatter in the kernel
 * (vsnprintf); it never allocates and always terminates its output.
 */
#include <kernel/printk.h>
#include <kernel/lib.h>

static char klog[KLOG_SIZE];
static size_t klog_head;          /* total bytes ever written */
static void (*console_putc)(char c);

static void emit(char c)
{
    klog[klog_head % KLOG_SIZE] = c;
    klog_head++;
    if (console_putc) {
        if (c == '\n')
            console_putc('\r');
        console_putc(c);
    }
}

static char *fmt_num(char *end, unsigned long long v, unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        *--end = digits[v % base];
        v /= base;
    } while (v);
    return end;
}

struct out {
    char *buf;
    size_t size, len;
};

static void out_c(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_c(&o, *fmt);
            continue;
        }
        bool left = false, zero = false, alt = false;
        for (;; fmt++) {
            if (fmt[1] == '-') left = true;
            else if (fmt[1] == '0') zero = true;
            else if (fmt[1] == '#') alt = true;
            else break;
        }
        fmt++;
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int lng = 0;
        while (*fmt == 'l') { lng++; fmt++; }
        if (*fmt == 'z') { lng = 1; fmt++; }
        char tmp[24], *end = tmp + sizeof(tmp), *s = end;
        const char *str = NULL;
        bool neg = false;
        switch (*fmt) {
        case 'd': case 'i': {
            long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
            unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
            neg = v < 0;
            s = fmt_num(end, u, 10, false);
            break;
        }
        case 'u': case 'x': case 'X': {
            unsigned long long v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
            s = fmt_num(end, v, *fmt == 'u' ? 10 : 16, *fmt == 'X');
            break;
        }
        case 'p':
            s = fmt_num(end, (uintptr_t)va_arg(ap, void *), 16, false);
            alt = true;
            break;
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            str = tmp;
            end = tmp + 1;
            s = tmp;
            break;
        case 's':
            str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            s = (char *)str;
            end = s + strlen(str);
            break;
        case '%':
            out_c(&o, '%');
            continue;
        default:   /* unknown conversion: print it verbatim */
            out_c(&o, '%');
            if (!*fmt)
                goto done;
            out_c(&o, *fmt);
            continue;
        }
        int len = (int)(end - s) + neg + ((alt && *fmt != 's' && *fmt != 'c') ? 2 : 0);
        int pad = width > len ? width - len : 0;
        if (!left && !zero)
            while (pad-- > 0) out_c(&o, ' ');
        if (neg) out_c(&o, '-');
        if (alt && *fmt != 's' && *fmt != 'c') { out_c(&o, '0'); out_c(&o, 'x'); }
        if (!left && zero)
            while (pad-- > 0) out_c(&o, '0');
        while (s < end) out_c(&o, *s++);
        if (left)
            while (pad-- > 0) out_c(&o, ' ');
    }
done:
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void vprintk(const char *fmt, va_list ap)
{
    char line[512];
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    for (const char *p = line; *p; p++)
        emit(*p);
    if (n >= (int)sizeof(line))
        for (const char *p = "[...truncated]\n"; *p; p++)
            emit(*p);
}

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void console_register(void (*putc)(char c))
{
    size_t start = klog_head > KLOG_SIZE ? klog_head - KLOG_SIZE : 0;
    console_putc = putc;
    for (size_t i = start; i < klog_head; i++) {
        char c = klog[i % KLOG_SIZE];
        if (c == '\n')
            putc('\r');
        putc(c);
    }
}

void console_puts(const char *s)
{
    while (*s)
        emit(*s++);
}

size_t klog_read(char *buf, size_t size)
{
    if (!size)
        return 0;
    size_t n = MIN(size - 1, MIN(klog_head, (size_t)KLOG_SIZE));
    for (size_t i = 0; i < n; i++)
        buf[i] = klog[(klog_head - n + i) % KLOG_SIZE];
    buf[n] = '\0';
    return n;
}
