// SPDX-License-Identifier: Apache-2.0
package org.guestd.azure;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The JDK's DOM parser locked down for documents from the platform: no DOCTYPE at all (so no
 * entity expansion, internal or external, and no DTD fetch), no XInclude, no external schema or DTD
 * access, secure processing on, a size cap checked before parsing, and errors thrown instead of
 * printed to standard error.
 */
final class SafeXml {
    private SafeXml() {}

    /**
     * Parses {@code xml} namespace-aware.
     *
     * @param what the document's name for errors ("ovf-env.xml")
     * @throws XmlException when it is over {@code maxBytes}, has a DOCTYPE, or is not well-formed
     */
    static Document parse(byte[] xml, int maxBytes, String what) throws XmlException {
        if (xml.length > maxBytes) {
            throw new XmlException(what + " is " + xml.length + " bytes, over the limit of " + maxBytes);
        }
        try {
            DocumentBuilder b = factory().newDocumentBuilder();
            b.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity " + systemId + " refused");
            });
            b.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                    // ignored
                }

                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }

                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b.parse(new ByteArrayInputStream(xml));
        } catch (SAXParseException e) {
            throw new XmlException(what + " is malformed (line " + e.getLineNumber() + "): " + e.getMessage(), e);
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new XmlException(what + " is malformed: " + e.getMessage(), e);
        }
    }

    private static DocumentBuilderFactory factory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    /** The element children of {@code parent} named {@code local} in namespace {@code ns} (null: none). */
    static List<Element> children(Element parent, String ns, String local) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && local.equals(e.getLocalName())
                    && (ns == null ? e.getNamespaceURI() == null : ns.equals(e.getNamespaceURI()))) {
                out.add(e);
            }
        }
        return out;
    }

    /** The single child, or null; more than one is an error. */
    static Element child(Element parent, String ns, String local, String what) throws XmlException {
        List<Element> l = children(parent, ns, local);
        if (l.size() > 1) {
            throw new XmlException(what + ": more than one " + local + " in " + parent.getLocalName());
        }
        return l.isEmpty() ? null : l.get(0);
    }

    /** The required single child. */
    static Element required(Element parent, String ns, String local, String what) throws XmlException {
        Element e = child(parent, ns, local, what);
        if (e == null) {
            throw new XmlException(what + ": " + local + " is missing from " + parent.getLocalName());
        }
        return e;
    }

    /** The text of the single child, or null when absent. */
    static String text(Element parent, String ns, String local, String what) throws XmlException {
        Element e = child(parent, ns, local, what);
        return e == null ? null : e.getTextContent();
    }

    /** Escapes text for an XML element. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                case '\r' -> sb.append("&#13;"); // a literal CR would be read back as LF (end-of-line handling)
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n') {
                        sb.append(' '); // not representable in XML 1.0
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
