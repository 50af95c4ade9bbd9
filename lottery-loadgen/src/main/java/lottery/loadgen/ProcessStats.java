package lottery.loadgen;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * CPU time and peak resident memory of a process, read from Linux's {@code /proc}: {@code /proc/PID/stat}'s utime +
 * stime (in clock ticks of 1/100 s, the USER_HZ of Linux on x86 and arm64) and {@code /proc/PID/status}'s VmHWM
 * (the peak resident set over the process's life); and the same CPU time per thread family, from
 * {@code /proc/PID/task/TID/stat}. Empty where /proc is not there or the process is gone.
 *
 * @param cpuSeconds       user + system CPU seconds since the process started
 * @param peakRssKb        peak resident set, kB
 * @param threadCpuSeconds CPU seconds of the threads alive now, by family: the thread's name (as the kernel keeps
 *                         it, at most 15 characters) without its trailing numbers, so the server's {@code io-3-1}
 *                         .. {@code io-3-4} are {@code io}, {@code lottery-4-1} is {@code lottery}, the JIT's
 *                         {@code C2 CompilerThre} stays as it is; empty when the tasks cannot be read
 */
record ProcessStats(double cpuSeconds, long peakRssKb, Map<String, Double> threadCpuSeconds) {
    private static final double TICKS_PER_SECOND = 100;
    /** A thread name's trailing numbers: {@code -3-1}, {@code #0}. */
    private static final Pattern TRAILING_NUMBERS = Pattern.compile("([-#]\\d+)+$");

    ProcessStats {
        threadCpuSeconds = Map.copyOf(threadCpuSeconds);
    }

    static Optional<ProcessStats> of(long pid) {
        try {
            Path proc = Path.of("/proc", Long.toString(pid));
            double cpu = cpuSeconds(Files.readString(proc.resolve("stat")));
            long hwm = 0;
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return Optional.of(new ProcessStats(cpu, hwm, threads(proc.resolve("task"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<ProcessStats> self() {
        return of(ProcessHandle.current().pid());
    }

    /** The family of a thread named {@code name}: the name without its trailing numbers. */
    static String family(String name) {
        String family = TRAILING_NUMBERS.matcher(name).replaceFirst("");
        return family.isEmpty() ? name : family;
    }

    /** utime + stime of a {@code stat} line, in seconds. */
    private static double cpuSeconds(String stat) {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** CPU seconds by thread family of the tasks in {@code taskDir}; a task that ends meanwhile is left out. */
    private static Map<String, Double> threads(Path taskDir) {
        Map<String, Double> byFamily = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDir)) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    byFamily.merge(family(name), cpuSeconds(stat), Double::sum);
                } catch (IOException | RuntimeException gone) {
                    // The thread ended between the listing and the read.
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return byFamily;
    }
}
