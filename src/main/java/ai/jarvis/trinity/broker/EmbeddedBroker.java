package ai.jarvis.trinity.broker;

import static ai.jarvis.trinity.util.Causes.rootMessage;

import ai.jarvis.trinity.config.ConfigFiles;
import ai.jarvis.trinity.config.ConfigurationException;
import ai.jarvis.trinity.config.Settings;
import ai.jarvis.trinity.metrics.BrokerMetricsPlugin;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.StringReader;
import java.net.URL;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.apache.activemq.artemis.utils.XMLUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXParseException;

/**
 * The Artemis broker inside the hub, configured by broker.xml. Placeholders {@code ${key}} and
 * {@code ${key:default}} in broker.xml are filled from trinity's settings first (so TRINITY_BROKER_PORT and
 * friends apply), then from system properties, as Artemis itself does.
 */
public final class EmbeddedBroker {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)(?::([^}]*))?}");
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    public static final String BROKER_ROLE = "trinity";

    private final Settings settings;
    private final ConfigFiles files;
    private EmbeddedActiveMQ embedded;
    private MeterRegistry metrics;
    private Map<String, String> urls = Map.of();

    public EmbeddedBroker(Settings settings, ConfigFiles files) {
        this.settings = settings;
        this.files = files;
    }

    /** Artemis publishes its broker, address and queue meters into {@code registry} (call before {@link #start}). */
    public void publishMetricsTo(MeterRegistry registry) {
        this.metrics = registry;
    }

    public void start() {
        FileConfiguration configuration = parse(true);
        configuration.setConfigurationFileRefreshPeriod(-1);
        if (metrics != null) {
            BrokerMetricsPlugin.install(configuration, metrics);
        }
        configuration.setBrokerInstance(settings.getPath("trinity.broker-dir").toFile());
        boolean secured = settings.isSet("trinity.broker-user");
        configuration.setSecurityEnabled(secured);
        SecurityConfiguration users = new SecurityConfiguration();
        if (secured) {
            users.addUser(settings.get("trinity.broker-user"), settings.get("trinity.broker-password"));
            users.addRole(settings.get("trinity.broker-user"), BROKER_ROLE);
        }
        embedded = new EmbeddedActiveMQ()
                .setConfiguration(configuration)
                .setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
        try {
            embedded.start();
        } catch (Exception e) {
            stop();
            throw new ConfigurationException("the broker did not start: " + rootMessage(e) + " (check "
                    + files.origin("broker.xml") + ")", e);
        }
        urls = describeAcceptors(configuration);
        LOG.info("Broker started ({}): {}", files.origin("broker.xml"), urls.values());
    }

    /**
     * Reads broker.xml as a start does, always against Artemis' schema, and starts nothing
     * ({@code trinity-camel check-config}); a {@link ConfigurationException} names the file and the problem.
     */
    public void check() {
        parse(false);
    }

    private FileConfiguration parse(boolean trustEarlierSchemaCheck) {
        String origin = files.origin("broker.xml");
        try {
            String text = files.read("broker.xml");
            String xml = fillPlaceholders(text);
            SchemaCheck check = new SchemaCheck(settings.getPath("trinity.broker-dir").resolve(".broker-xml-valid"));
            if (!trustEarlierSchemaCheck || !check.passedBefore(text)) {
                validate(xml, origin);
                check.remember(text);
            }
            Element root = XMLUtil.stringToElement(xml);
            NodeList cores = root.getElementsByTagNameNS("urn:activemq:core", "core");
            if (cores.getLength() != 1) {
                throw new ConfigurationException("invalid " + origin + ": expected one <core xmlns=\"urn:activemq:core\"> element");
            }
            FileConfiguration configuration = new FileConfiguration();
            configuration.parse((Element) cores.item(0), new URL("file:" + origin));
            return configuration;
        } catch (ConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigurationException("invalid " + origin + ": " + rootMessage(e), e);
        }
    }

    /** Checks broker.xml against Artemis' schema, so that a misspelt element is an error, not silently ignored. */
    private static void validate(String xml, String origin) throws Exception {
        Validator validator = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(XMLUtil.findResource("schema/artemis-server.xsd"))
                .newValidator();
        try {
            validator.validate(new StreamSource(new StringReader(xml)));
        } catch (SAXParseException e) {
            String reason = e.getMessage()
                    .replaceAll("\\{\"urn:activemq[^\"]*\":([^}]+)}", "$1")
                    .replaceFirst("\\s*One of '.*", "")
                    .replaceFirst("^cvc-[\\w.-]+: ", "");
            throw new ConfigurationException("invalid " + origin + " at line " + e.getLineNumber() + ": " + reason);
        }
    }

    String fillPlaceholders(String xml) {
        Matcher matcher = PLACEHOLDER.matcher(withoutComments(xml));
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String key = matcher.group(1).trim();
            String value = settings.get(key, System.getProperty(key, matcher.group(2)));
            if (value == null) {
                throw new ConfigurationException("invalid " + files.origin("broker.xml") + ": ${" + key
                        + "} has no value (set it, or give a default as ${" + key + ":value})");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Comments go (they may mention placeholders), their line breaks stay so errors keep their line numbers. */
    private static String withoutComments(String xml) {
        Matcher comment = COMMENT.matcher(xml);
        StringBuilder out = new StringBuilder();
        while (comment.find()) {
            comment.appendReplacement(out, comment.group().replaceAll("[^\\n]", ""));
        }
        comment.appendTail(out);
        return out.toString();
    }

    /** Client URLs by acceptor name, e.g. {@code amqp -> amqp://127.0.0.1:5672}. */
    private static Map<String, String> describeAcceptors(FileConfiguration configuration) {
        Map<String, String> described = new LinkedHashMap<>();
        for (TransportConfiguration acceptor : configuration.getAcceptorConfigurations()) {
            Map<String, Object> params = acceptor.getParams();
            Object port = params.get("port");
            if (port == null) {
                continue; // in-VM acceptor: no URL for other processes
            }
            String protocols = String.valueOf(params.getOrDefault("protocols", "CORE"));
            String first = protocols.split(",")[0].trim().toLowerCase();
            String scheme = first.equals("core") ? "tcp" : first;
            described.put(acceptor.getName(), scheme + "://" + params.getOrDefault("host", "localhost") + ":" + port);
        }
        return described;
    }

    public Map<String, String> urls() {
        return urls;
    }

    /** The running server, for in-process management (queues, messages); null before start. */
    public ActiveMQServer server() {
        return embedded == null ? null : embedded.getActiveMQServer();
    }

    public String state() {
        ActiveMQServer server = embedded == null ? null : embedded.getActiveMQServer();
        if (server == null) {
            return "stopped";
        }
        return server.isActive() ? "started" : server.getState().name().toLowerCase();
    }

    public void stop() {
        if (embedded == null) {
            return;
        }
        try {
            embedded.stop();
            LOG.info("Broker stopped");
        } catch (Exception e) {
            LOG.warn("Broker did not stop cleanly: {}", rootMessage(e));
        } finally {
            embedded = null;
        }
    }
}
