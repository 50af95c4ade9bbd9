package lottery.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU time and peak resident memory of a process, read from Linux's {@code /proc}: {@code /proc/PID/stat}'s utime +
 * stime (in clock ticks of 1/100 s, the USER_HZ of Linux on x86 and arm64) and {@code /proc/PID/status}'s VmHWM
 * (the peak resident set over the process's life). Empty where /proc is not there or the process is gone.
 *
 * @param cpuSeconds user + system CPU seconds since the process started
 * @param peakRssKb  peak resident set, kB
 */
record ProcessStats(double cpuSeconds, long peakRssKb) {
    private static final double TICKS_PER_SECOND = 100;

    static Optional<ProcessStats> of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
            long hwm = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return Optional.of(new ProcessStats(cpu, hwm));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<ProcessStats> self() {
        return of(ProcessHandle.current().pid());
    }
}
