<?xml version="1.0" encoding="UTF-8"?>
<!-- What a styled feed shows a person in a browser: its items as an HTML page. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="html" encoding="UTF-8"/>
  <xsl:template match="/">
    <html>
      <head><title><xsl:value-of select="rss/channel/title"/> (styled)</title></head>
      <body>
        <h1><xsl:value-of select="rss/channel/title"/></h1>
        <nav><a href="https://podcast.example/subscribe">Subscribe</a></nav>
        <xsl:for-each select="rss/channel/item">
          <article><h2><a href="{link}"><xsl:value-of select="title"/></a></h2></article>
        </xsl:for-each>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
