package io.kilowatch.agent.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The service definitions shipped beside the agent: macOS has no plutil here, so the launchd plist is
 * parsed as the property list it must be; the systemd unit and the plist start the launcher that the
 * build ships, with its options. (The unit passes systemd-analyze verify in AgentPackagingIT, installed.)
 */
class ServiceDefinitionsTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theLaunchdPlistIsAPropertyListStartingTheShippedLauncher() throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Element plist = factory.newDocumentBuilder().parse(REPO.resolve("deploy/macos/io.kilowatch.agent.plist").toFile()).getDocumentElement();
        assertEquals("plist", plist.getTagName());
        assertEquals("1.0", plist.getAttribute("version"));
        Map<String, Element> dict = dict(only(elements(plist)));

        assertEquals("io.kilowatch.agent", dict.get("Label").getTextContent());
        List<String> program = elements(dict.get("ProgramArguments")).stream().map(e -> {
            assertEquals("string", e.getTagName());
            return e.getTextContent();
        }).toList();
        assertEquals(List.of("/usr/local/kilowatch-agent/bin/kilowatch-agent", "--config", "/usr/local/etc/kilowatch-agent/kilowatch-agent.yaml",
                "--data-dir", "/Library/Application Support/Kilowatch/agent"), program);
        assertEquals("true", dict.get("RunAtLoad").getTagName());
        assertEquals("false", dict(dict.get("KeepAlive")).get("SuccessfulExit").getTagName());
        assertEquals("_kilowatch", dict.get("UserName").getTextContent());
        assertEquals("63", dict.get("Umask").getTextContent(), "umask 077: the state, credential included, for the agent's user only");
    }

    @Test
    void theSystemdUnitStartsTheLauncherTheDebInstalls() throws Exception {
        String unit = Files.readString(REPO.resolve("deploy/systemd/kilowatch-agent.service"));
        assertTrue(unit.contains("\nExecStart=/opt/kilowatch-agent/bin/kilowatch-agent --config /etc/kilowatch-agent/kilowatch-agent.yaml"
                + " --data-dir /var/lib/kilowatch-agent\n"), unit);
        assertTrue(unit.contains("\nUser=kilowatch-agent\n") && unit.contains("\nStateDirectory=kilowatch-agent\n"), unit);
        assertTrue(Files.isRegularFile(REPO.resolve("agent/src/dist/bin/kilowatch-agent")));
        assertTrue(Files.readString(REPO.resolve("deploy/debian/build-deb.sh")).contains("opt/kilowatch-agent"));
    }

    /** A plist dict: key elements each followed by their value element. */
    private static Map<String, Element> dict(Element dict) {
        assertEquals("dict", dict.getTagName());
        List<Element> children = elements(dict);
        assertEquals(0, children.size() % 2, "a dict holds key, value pairs");
        Map<String, Element> entries = new LinkedHashMap<>();
        for (int i = 0; i < children.size(); i += 2) {
            assertEquals("key", children.get(i).getTagName());
            entries.put(children.get(i).getTextContent(), children.get(i + 1));
        }
        return entries;
    }

    private static List<Element> elements(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element only(List<Element> elements) {
        assertEquals(1, elements.size());
        return elements.get(0);
    }
}
