# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Validation of CPSV-AP documents against the official SHACL shapes

The shapes of CPSV-AP 3.2.0 are shipped in data/cpsv-ap (see its README):
a document that conforms to them is read as CPSV-AP by the tools of other
public administrations, not only by OSSIS.
"""
import functools
import json
import os
import warnings

import pyshacl
import rdflib
from rdflib.namespace import RDF, SH

SHAPES = os.path.join(
    os.path.dirname(__file__), 'data', 'cpsv-ap', 'cpsv-ap-SHACL.ttl')


@functools.cache
def shapes():
    return rdflib.Graph().parse(SHAPES, format='turtle')


def shacl_results(document):
    """Return the SHACL validation of the JSON-LD document: the number of
    violations, the number of warnings and the text of the report"""
    with warnings.catch_warnings():
        # rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph
        warnings.simplefilter('ignore', DeprecationWarning)
        data = rdflib.Graph().parse(
            data=json.dumps(document), format='json-ld')
    _, report, text = pyshacl.validate(
        data, shacl_graph=shapes(), allow_warnings=True)
    severities = [
        report.value(r, SH.resultSeverity)
        for r in report.subjects(RDF.type, SH.ValidationResult)]
    return severities.count(SH.Violation), severities.count(SH.Warning), text


class CPSVAPTestMixin:
    "Check documents against the SHACL shapes of CPSV-AP"

    def assertConformsToCPSVAP(self, document):
        "Fail with the SHACL report unless the document has no violation"
        violations, _, text = shacl_results(document)
        self.assertEqual(violations, 0, msg='\n' + text)


def literals(document):
    """Yield the node, the property and the literals in each language of
    each language-tagged text of the document"""
    for node in document['@graph']:
        for name, value in node.items():
            if isinstance(value, list) and any(
                    '@language' in v for v in value if isinstance(v, dict)):
                yield node, name, {v['@language']: v['@value'] for v in value}


def nodes_of(document, type_):
    "Return the nodes of the type"
    return [
        n for n in document['@graph']
        if type_ in (n['@type'] if isinstance(n['@type'], list)
            else [n['@type']])]
