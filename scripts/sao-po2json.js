// Compile a gettext .po file into the JSON that sao loads from
// locale/<lang>.json: the "raw" format of grunt-po2json, which sao's own
// translations use ({"msgid": [msgid_plural or null, msgstr...]}).
//
// Usage: node scripts/sao-po2json.js INPUT.po OUTPUT.json
'use strict';
const fs = require('fs');

function unquote(line) {
    return JSON.parse(line.replace(/\t/g, '\\t'));
}

function parse(text) {
    const entries = [];
    let entry = null;
    let key = null;
    const finish = () => {
        if (entry && entry.msgid !== undefined) {
            entries.push(entry);
        }
        entry = {};
        key = null;
    };
    finish();
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (!line) {
            finish();
        } else if (line.startsWith('#')) {
            if (line.startsWith('#,') && line.includes('fuzzy')) {
                entry.fuzzy = true;
            }
        } else if (line.startsWith('"')) {
            entry[key] += unquote(line);
        } else {
            const match = /^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$/.exec(line);
            if (!match) {
                throw new Error('cannot read the line: ' + raw);
            }
            key = match[1];
            entry[key] = unquote(match[2]);
        }
    }
    finish();
    return entries;
}

function compile(entries) {
    const data = {};
    for (const entry of entries) {
        if (entry.msgid === '') {
            const header = {};
            for (const line of (entry.msgstr || '').split('\n')) {
                const at = line.indexOf(':');
                if (at > 0) {
                    header[line.slice(0, at).trim().toLowerCase()] =
                        line.slice(at + 1).trim();
                }
            }
            data[''] = header;
            continue;
        }
        if (entry.fuzzy || entry.msgctxt !== undefined) {
            continue;
        }
        if (entry.msgid_plural !== undefined) {
            const forms = Object.keys(entry)
                .filter((k) => k.startsWith('msgstr['))
                .sort((a, b) => parseInt(a.slice(7)) - parseInt(b.slice(7)))
                .map((k) => entry[k]);
            data[entry.msgid] = [entry.msgid_plural, ...forms];
        } else {
            data[entry.msgid] = [null, entry.msgstr];
        }
    }
    return data;
}

const [input, output] = process.argv.slice(2);
if (!input || !output) {
    console.error('usage: node sao-po2json.js INPUT.po OUTPUT.json');
    process.exit(2);
}
const data = compile(parse(fs.readFileSync(input, 'utf8')));
fs.writeFileSync(output, JSON.stringify(data));
