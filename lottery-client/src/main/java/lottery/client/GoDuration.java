package lottery.client;

import java.time.Duration;

/**
 * A duration written the way Go writes {@code time.Duration}: parsed with the rules of {@code time.ParseDuration}
 * and printed like {@code Duration.String()}, so the config of the original Go client ({@code loop.period: "5s"})
 * keeps working and the {@code loop_period} the client logs reads the same ({@code 100ms}, {@code 1.5s},
 * {@code 1m30s}, {@code 2h0m0s}, {@code 0s}).
 *
 * <p>Parsing accepts an optional sign followed by one or more decimal numbers, each with an optional fraction and a
 * unit: {@code ns}, {@code us}, {@code µs} (U+00B5 or U+03BC), {@code ms}, {@code s}, {@code m}, {@code h}; the bare
 * string {@code 0} is also accepted. Like Go, the value is a signed 64-bit count of nanoseconds (about 292 years).
 *
 * @param nanos the duration in nanoseconds
 */
public record GoDuration(long nanos) {
    public static final GoDuration ZERO = new GoDuration(0);

    private static final long NANOSECOND = 1;
    private static final long MICROSECOND = 1_000 * NANOSECOND;
    private static final long MILLISECOND = 1_000 * MICROSECOND;
    private static final long SECOND = 1_000 * MILLISECOND;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    /** 1 << 63 read as an unsigned number: the magnitude of the most negative duration. */
    private static final long LIMIT = Long.MIN_VALUE;

    public static GoDuration of(Duration duration) {
        return new GoDuration(duration.toNanos());
    }

    public Duration toDuration() {
        return Duration.ofNanos(nanos);
    }

    public boolean isNegative() {
        return nanos < 0;
    }

    /**
     * Parses a Go duration string.
     *
     * @throws IllegalArgumentException with Go's wording ({@code time: invalid duration "x"}, {@code unknown unit},
     *                                  {@code missing unit}) when {@code text} is not one
     */
    public static GoDuration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("time: invalid duration (none given)");
        }
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(text);
        }
        long total = 0; // unsigned, at most LIMIT
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '.' && !isDigit(c)) {
                throw invalid(text);
            }
            // Integer part: [0-9]*
            int start = i;
            long whole = 0;
            while (i < s.length() && isDigit(s.charAt(i))) {
                if (Long.compareUnsigned(whole, Long.divideUnsigned(LIMIT, 10)) > 0) {
                    throw invalid(text); // overflow
                }
                whole = whole * 10 + (s.charAt(i) - '0');
                if (Long.compareUnsigned(whole, LIMIT) > 0) {
                    throw invalid(text);
                }
                i++;
            }
            boolean hasWhole = i > start;
            // Fraction: (\.[0-9]*)? ; digits past what 63 bits hold are consumed and ignored, as Go does.
            long fraction = 0;
            double scale = 1;
            boolean hasFraction = false;
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int fractionStart = i;
                boolean overflow = false;
                while (i < s.length() && isDigit(s.charAt(i))) {
                    if (!overflow) {
                        if (Long.compareUnsigned(fraction, Long.MAX_VALUE / 10) > 0) {
                            overflow = true;
                        } else {
                            long next = fraction * 10 + (s.charAt(i) - '0');
                            if (Long.compareUnsigned(next, LIMIT) > 0) {
                                overflow = true;
                            } else {
                                fraction = next;
                                scale *= 10;
                            }
                        }
                    }
                    i++;
                }
                hasFraction = i > fractionStart;
            }
            if (!hasWhole && !hasFraction) {
                throw invalid(text); // no digits, e.g. ".s"
            }
            // Unit: everything up to the next number.
            int unitStart = i;
            while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
                i++;
            }
            if (i == unitStart) {
                throw new IllegalArgumentException("time: missing unit in duration \"" + text + "\"");
            }
            String unitName = s.substring(unitStart, i);
            long unit = unit(unitName);
            if (unit == 0) {
                throw new IllegalArgumentException("time: unknown unit \"" + unitName + "\" in duration \""
                        + text + "\"");
            }
            if (Long.compareUnsigned(whole, Long.divideUnsigned(LIMIT, unit)) > 0) {
                throw invalid(text);
            }
            long value = whole * unit;
            if (fraction != 0) {
                // A double is exact enough here: the fraction of one hour is below 3.6e12 ns.
                value += (long) (unsignedToDouble(fraction) * (unit / scale));
                if (Long.compareUnsigned(value, LIMIT) > 0) {
                    throw invalid(text);
                }
            }
            if (Long.compareUnsigned(value, LIMIT - total) > 0) {
                throw invalid(text);
            }
            total += value;
        }
        if (negative) {
            return new GoDuration(-total); // -(1 << 63) stays Long.MIN_VALUE, which is right
        }
        if (total < 0) {
            throw invalid(text); // 1 << 63 does not fit a positive duration
        }
        return new GoDuration(total);
    }

    /** Go's {@code time.Duration.String()}: {@code 0s}, {@code 1.5µs}, {@code 100ms}, {@code 1m30s}, {@code 2h0m0s}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        // Work on the magnitude as an unsigned number, so that Long.MIN_VALUE prints too.
        long u = nanos < 0 ? -nanos : nanos;
        if (Long.compareUnsigned(u, SECOND) < 0) {
            if (u == 0) {
                return "0s";
            }
            if (u < MICROSECOND) {
                out.append(u).append("ns");
            } else if (u < MILLISECOND) {
                appendDecimal(out, u, 3).append("µs");
            } else {
                appendDecimal(out, u, 6).append("ms");
            }
        } else {
            long seconds = Long.divideUnsigned(u, SECOND);
            long subSecond = Long.remainderUnsigned(u, SECOND);
            long hours = seconds / 3600;
            long minutes = seconds / 60 % 60;
            if (hours > 0) {
                out.append(hours).append('h');
            }
            if (hours > 0 || minutes > 0) {
                out.append(minutes).append('m');
            }
            out.append(seconds % 60);
            appendFraction(out, subSecond, 9).append('s');
        }
        return nanos < 0 ? "-" + out : out.toString();
    }

    /** Appends {@code v / 10^digits} with its fraction, trailing zeros (and a bare point) dropped. */
    private static StringBuilder appendDecimal(StringBuilder out, long v, int digits) {
        long pow = pow10(digits);
        out.append(v / pow);
        return appendFraction(out, v % pow, digits);
    }

    private static StringBuilder appendFraction(StringBuilder out, long fraction, int digits) {
        if (fraction == 0) {
            return out;
        }
        String padded = String.format("%0" + digits + "d", fraction);
        int end = padded.length();
        while (padded.charAt(end - 1) == '0') {
            end--;
        }
        return out.append('.').append(padded, 0, end);
    }

    private static long pow10(int digits) {
        long pow = 1;
        for (int i = 0; i < digits; i++) {
            pow *= 10;
        }
        return pow;
    }

    private static long unit(String name) {
        return switch (name) {
            case "ns" -> NANOSECOND;
            case "us", "\u00b5s", "\u03bcs" -> MICROSECOND;
            case "ms" -> MILLISECOND;
            case "s" -> SECOND;
            case "m" -> MINUTE;
            case "h" -> HOUR;
            default -> 0;
        };
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
}
