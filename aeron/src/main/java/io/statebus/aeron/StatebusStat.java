package io.statebus.aeron;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
     * @throws IllegalStateException if there is no {@code cnc.dat} or it has another version.
     */
    public StatebusStat(final File aeronDir)
    {
        final File file = new File(aeronDir, CncFileDescriptor.CNC_FILE);
        if (!file.exists())
        {
            throw new IllegalStateException("no " + file + ": is a media driver running with aeron.dir=" + aeronDir + "?");
        }
        this.cnc = IoUtil.mapExistingFile(file, FileChannel.MapMode.READ_ONLY, "cnc");
        final DirectBuffer meta = CncFileDescriptor.createMetaDataBuffer(cnc);
        final int version = meta.getInt(CncFileDescriptor.cncVersionOffset(0));
        if (version == 0)
        {
            IoUtil.unmap(cnc);
            throw new IllegalStateException(file + " is not ready yet (the driver is starting)");
        }
        CncFileDescriptor.checkVersion(version);
        final UnsafeBuffer metadata = CncFileDescriptor.createCountersMetaDataBuffer(cnc, meta);
        final UnsafeBuffer values = CncFileDescriptor.createCountersValuesBuffer(cnc, meta);
        this.counters = new CountersReader(metadata, values, StandardCharsets.US_ASCII);
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

        /**
         * @return the counter id in this driver.
         */
        public int id()
        {
            return id;
        }

        /**
         * @return the type id, one of {@link CounterTypes}.
         */
        public int typeId()
        {
            return typeId;
        }

        /**
         * @return the value when read.
         */
        public long value()
        {
            return value;
        }

        /**
         * @return the label, {@code "statebus <what>: bus=<id> ..."}.
         */
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

    /**
     * @return every allocated StateBus counter, in counter id order.
     */
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
        String dir = CommonContext.getAeronDirectoryName();
        long watchMillis = 0;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--dir":
                    dir = args[++i];
                    break;
                case "--watch":
                    watchMillis = (long)(Double.parseDouble(args[++i]) * 1000);
                    break;
                default:
                    System.err.println("usage: statebus-stat [--dir AERON_DIR] [--watch SECONDS]");
                    System.exit(2);
            }
        }
        try (StatebusStat stat = new StatebusStat(new File(dir)))
        {
            do
            {
                System.out.println("== " + java.time.Instant.now() + " " + dir);
                stat.print(System.out);
                if (watchMillis > 0)
                {
                    Thread.sleep(watchMillis);
                }
            }
            while (watchMillis > 0);
        }
        catch (final IllegalStateException ex)
        {
            System.err.println("statebus-stat: " + ex.getMessage());
            System.exit(1);
        }
    }
}
