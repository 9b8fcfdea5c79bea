package io.statebus.aeron;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import org.agrona.IoUtil;
import org.agrona.SemanticVersion;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code statebus-stat}: prints the StateBus counters of every process attached to an Aeron media driver, from the
 * driver's {@code cnc.dat}, mapped read-only (it changes nothing and needs no Aeron client).
 *
 * <pre>
 * aeron/statebus-stat [--dir /dev/shm/aeron-root] [--watch SECONDS]
 * </pre>
 *
 * <p>Without {@code --dir} it reads the directory Aeron's clients use by default ({@code aeron.dir}). One line per
 * counter: id, value, label. Needs {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} (Agrona's buffers);
 * the script passes it.
 */
public final class StatebusStat implements AutoCloseable
{
    private final MappedByteBuffer cnc;
    private final CountersReader counters;

    /**
     * Maps {@code <aeronDir>/cnc.dat} read-only.
     *
     * @param aeronDir the media driver's directory.
     * @throws NullPointerException  if {@code aeronDir} is null (not the working directory).
     * @throws IllegalStateException if there is no {@code cnc.dat}, it cannot be read, it is not a whole one (shorter
     *                               than its header says) or it has another version.
     */
    public StatebusStat(final File aeronDir)
    {
        final File file = new File(Objects.requireNonNull(aeronDir, "aeronDir must not be null"),
            CncFileDescriptor.CNC_FILE);
        if (!file.exists())
        {
            throw new IllegalStateException("no " + file + ": is a media driver running with aeron.dir=" + aeronDir + "?");
        }
        this.cnc = map(file);
        try
        {
            this.counters = countersOf(file, cnc);
        }
        catch (final RuntimeException ex)
        {
            IoUtil.unmap(cnc); // a file it cannot read stays mapped by no one
            throw ex;
        }
    }

    private static MappedByteBuffer map(final File file)
    {
        try
        {
            return IoUtil.mapExistingFile(file, FileChannel.MapMode.READ_ONLY, "cnc");
        }
        catch (final Exception ex) // Agrona rethrows the IOException unchecked
        {
            throw new IllegalStateException("cannot read " + file + ": " + ex, ex);
        }
    }

    /** @return the counters of a {@code cnc.dat} of this version, whole; else an IllegalStateException says why not. */
    private static CountersReader countersOf(final File file, final MappedByteBuffer cnc)
    {
        if (cnc.capacity() < CncFileDescriptor.END_OF_METADATA_OFFSET)
        {
            throw new IllegalStateException(file + " is not a media driver's cnc.dat: " + cnc.capacity() + " bytes");
        }
        final UnsafeBuffer meta = CncFileDescriptor.createMetaDataBuffer(cnc);
        final int version = meta.getIntVolatile(CncFileDescriptor.cncVersionOffset(0));
        if (version == 0)
        {
            throw new IllegalStateException(file + " is not ready yet (the driver is starting)");
        }
        // CncFileDescriptor.checkVersion throws an AeronException, which would end the command with a stack trace
        if (SemanticVersion.major(version) != SemanticVersion.major(CncFileDescriptor.CNC_VERSION))
        {
            throw new IllegalStateException(file + " has CnC version " + SemanticVersion.toString(version) +
                ", this statebus-stat reads " + SemanticVersion.toString(CncFileDescriptor.CNC_VERSION));
        }
        if (!CncFileDescriptor.isCncFileLengthSufficient(meta, cnc.capacity()))
        {
            throw new IllegalStateException(file + " is not a whole cnc.dat: " + cnc.capacity() +
                " bytes, shorter than its header says");
        }
        return new CountersReader(CncFileDescriptor.createCountersMetaDataBuffer(cnc, meta),
            CncFileDescriptor.createCountersValuesBuffer(cnc, meta), StandardCharsets.US_ASCII);
    }

    /** One StateBus counter as read now. */
    public static final class Row
    {
        private final int id;
        private final int typeId;
        private final long value;
        private final String label;

        Row(final int id, final int typeId, final long value, final String label)
        {
            this.id = id;
            this.typeId = typeId;
            this.value = value;
            this.label = label;
        }

        /** @return the counter id in this driver. */
        public int id()
        {
            return id;
        }

        /** @return the type id, one of {@link CounterTypes}. */
        public int typeId()
        {
            return typeId;
        }

        /** @return the value when read. */
        public long value()
        {
            return value;
        }

        /** @return the label, {@code "statebus <what>: bus=<id> ..."} (a receiver's: {@code "...: <channel> ..."}). */
        public String label()
        {
            return label;
        }

        @Override
        public String toString()
        {
            return String.format("%5d %20d  %s", id, value, label);
        }
    }

    /** @return every allocated StateBus counter, in counter id order. */
    public List<Row> rows()
    {
        final List<Row> rows = new ArrayList<>();
        counters.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (CounterTypes.isStateBus(typeId) && counters.getCounterState(counterId) == CountersReader.RECORD_ALLOCATED)
            {
                rows.add(new Row(counterId, typeId, counters.getCounterValue(counterId), label));
            }
        });
        return rows;
    }

    /**
     * @param labelPart a part of the label, e.g. {@code "statebus mirror received: bus=1"}.
     * @return the value of the first StateBus counter whose label contains it, or null if none does.
     */
    public Long value(final String labelPart)
    {
        for (final Row row : rows())
        {
            if (row.label().contains(labelPart))
            {
                return row.value();
            }
        }
        return null;
    }

    /**
     * Prints every StateBus counter, one a line.
     *
     * @param out where to print.
     */
    public void print(final PrintStream out)
    {
        final List<Row> rows = rows();
        out.println("   id                value  label");
        rows.forEach(out::println);
        if (rows.isEmpty())
        {
            out.println("(no StateBus counters: no bridge or mirror with counters is attached to this driver)");
        }
    }

    /** Unmaps the file. */
    @Override
    public void close()
    {
        IoUtil.unmap(cnc);
    }

    /**
     * The command: {@code [--dir DIR] [--watch SECONDS]}.
     *
     * @param args the arguments.
     * @throws InterruptedException if interrupted while watching.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final int status = run(args, System.out, System.err);
        if (status != 0)
        {
            System.exit(status);
        }
    }

    /** The command, on {@code out} and {@code err}. @return its exit status: 0, 1 (no driver) or 2 (bad usage). */
    static int run(final String[] args, final PrintStream out, final PrintStream err) throws InterruptedException
    {
        String dir = CommonContext.getAeronDirectoryName();
        long watchMillis = 0;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                if ("--dir".equals(args[i]))
                {
                    dir = valueOf(args, ++i);
                }
                else if ("--watch".equals(args[i]))
                {
                    watchMillis = watchMillis(valueOf(args, ++i));
                }
                else
                {
                    throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("statebus-stat: " + ex.getMessage());
            err.println("usage: statebus-stat [--dir AERON_DIR] [--watch SECONDS]");
            return 2;
        }
        return print(dir, watchMillis, out, err);
    }

    private static String valueOf(final String[] args, final int i)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** @return the watch period of {@code --watch SECONDS}: a positive number of seconds, at least a millisecond. */
    private static long watchMillis(final String seconds)
    {
        final double value;
        try
        {
            value = Double.parseDouble(seconds);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--watch needs a number of seconds, got " + seconds);
        }
        if (!(value >= 0.001 && value <= Long.MAX_VALUE / 1000.0)) // NaN too
        {
            throw new IllegalArgumentException("--watch needs 0.001 to " + Long.MAX_VALUE / 1000 + " seconds, got " +
                seconds);
        }
        return (long)(value * 1000);
    }

    private static int print(final String dir, final long watchMillis, final PrintStream out, final PrintStream err)
        throws InterruptedException
    {
        try (StatebusStat stat = new StatebusStat(new File(dir)))
        {
            do
            {
                out.println("== " + java.time.Instant.now() + " " + dir);
                stat.print(out);
                if (watchMillis > 0)
                {
                    Thread.sleep(watchMillis);
                }
            }
            while (watchMillis > 0);
            return 0;
        }
        catch (final IllegalStateException ex)
        {
            err.println("statebus-stat: " + ex.getMessage());
            return 1;
        }
    }
}
