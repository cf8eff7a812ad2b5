/*
 * The Java client's baselines of `npm run bench` (cases e_produce and e_pipe), what a developer
 * writes with the Java client alone: the counterpart of bench/kafka/raw-client.ts (kafkajs) and
 * raw-platformatic-client.ts. Compiled at bench time with javac against the broker harness's
 * kafka-clients jar (bench/kafka/java-client.ts), run as a child process.
 *
 *   java -cp <kafka jars>:<classes> BenchClient produce <bootstrap> <outTopic> <recordsFile> <count> <requestBytes>
 *   java -cp <kafka jars>:<classes> BenchClient pipe <bootstrap> <inTopic> <group> <outTopic>
 *
 * - produce: writes `count` records, record i to partition i % 6, its value the i-th of the
 *   records file (cycled; the same file the Node produce baselines read), acks=all, batching by
 *   bytes: batch.size is requestBytes / 6 per partition, linger.ms 5, 5 requests in flight.
 * - pipe: a group member reading from the earliest offset, max.poll.records 5,000; each poll's
 *   records are written to the output topic (same partition, same key and value, acks=all),
 *   flushed, then committed (commitSync) before the next poll.
 *
 * Both print a progress line {"count": n} (records acknowledged, or piped and committed) every
 * 100 ms and run until SIGTERM, then close their clients and print the count a last time.
 */
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class BenchClient {
  /** Partitions of every benchmark topic (bench/kafka/topics.ts). */
  private static final int PARTITIONS = 6;

  private static final AtomicLong count = new AtomicLong();
  private static volatile boolean running = true;

  public static void main(String[] args) throws Exception {
    boolean produce = args.length == 6 && args[0].equals("produce");
    boolean pipe = args.length == 5 && args[0].equals("pipe");
    if (!produce && !pipe) {
      System.err.println("usage: BenchClient produce <bootstrap> <outTopic> <recordsFile> <count> <requestBytes> | pipe <bootstrap> <inTopic> <group> <outTopic>");
      System.exit(2);
    }
    Thread progress = new Thread(() -> {
      while (true) {
        printCount();
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    progress.setDaemon(true);
    CountDownLatch done = new CountDownLatch(1);
    Thread main = Thread.currentThread();
    AtomicReference<KafkaConsumer<byte[], byte[]>> toWake = new AtomicReference<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running = false;
      KafkaConsumer<byte[], byte[]> consumer = toWake.get();
      // The consumer is woken from its poll; the producer's idle wait is interrupted.
      if (consumer != null) consumer.wakeup();
      else main.interrupt();
      try {
        done.await();
      } catch (InterruptedException e) {
        // Stopping anyway.
      }
      printCount();
    }));
    progress.start();
    try {
      if (produce) produce(args[1], args[2], readRecords(args[3]), Long.parseLong(args[4]), Integer.parseInt(args[5]));
      else pipe(args[1], args[2], args[3], args[4], toWake);
    } finally {
      done.countDown();
    }
  }

  private static void printCount() {
    System.out.println("{\"count\": " + count.get() + "}");
    System.out.flush();
  }

  /** The records file: each record a 4-byte big-endian length, then its bytes (bench/kafka/records.ts). */
  private static List<byte[]> readRecords(String file) throws IOException {
    List<byte[]> records = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(file)))) {
      while (true) {
        int length;
        try {
          length = in.readInt();
        } catch (EOFException end) {
          break;
        }
        byte[] value = new byte[length];
        in.readFully(value);
        records.add(value);
      }
    }
    if (records.isEmpty()) throw new IOException(file + " holds no record");
    return records;
  }

  private static Properties producerProperties(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    // Neither Node baseline is idempotent: compare like with like.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return props;
  }

  private static void produce(String bootstrap, String topic, List<byte[]> records, long total, int requestBytes) throws InterruptedException {
    Properties props = producerProperties(bootstrap);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(requestBytes / PARTITIONS));
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (long i = 0; i < total && running && failure.get() == null; i++) {
        byte[] value = records.get((int) (i % records.size()));
        producer.send(new ProducerRecord<>(topic, (int) (i % PARTITIONS), null, value), (metadata, error) -> {
          if (error != null) failure.compareAndSet(null, error);
          else count.incrementAndGet();
        });
      }
      producer.flush();
      if (failure.get() != null) fail("a write failed", failure.get());
      // Done: idle until SIGTERM, as the Node baselines do.
      while (running) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException stopping) {
          break;
        }
      }
    }
  }

  private static void pipe(String bootstrap, String inTopic, String group, String outTopic, AtomicReference<KafkaConsumer<byte[], byte[]>> toWake) {
    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // About what kafkajs hands eachBatch in (b), a partition's fetch of 1 MB (some 4,600 records),
    // instead of the default 500: one flush and one commit per poll of that size.
    consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(bootstrap))) {
      toWake.set(consumer);
      consumer.subscribe(List.of(inTopic));
      while (running) {
        ConsumerRecords<byte[], byte[]> polled;
        try {
          polled = consumer.poll(Duration.ofMillis(100));
        } catch (WakeupException stopping) {
          break;
        }
        if (polled.isEmpty()) continue;
        for (ConsumerRecord<byte[], byte[]> record : polled) {
          producer.send(new ProducerRecord<>(outTopic, record.partition(), record.key(), record.value()), (metadata, error) -> {
            if (error != null) failure.compareAndSet(null, error);
          });
        }
        producer.flush();
        if (failure.get() != null) fail("a write failed", failure.get());
        try {
          consumer.commitSync();
        } catch (WakeupException stopping) {
          // Woken during the commit: commit once more, then stop.
          consumer.commitSync();
          count.addAndGet(polled.count());
          break;
        }
        count.addAndGet(polled.count());
      }
    }
  }

  /** Ends main with the error (the JVM exits 1; System.exit here would wait for the shutdown hook, which waits for main). */
  private static void fail(String what, Exception error) {
    throw new IllegalStateException(what, error);
  }
}
