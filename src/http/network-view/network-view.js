// The network view served at /explore by network-view-route.ts: draws the graph with
// Cytoscape.js (loaded before this file from /explore/assets/cytoscape.js) from the public
// GraphQL endpoint. A plain browser script, no bundler. Every piece of data goes into the
// DOM through textContent or attributes, never as HTML.
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('network-view-config').textContent);

  // The kinds and fields come from the ontology, in the page's configuration
  // (src/http/network-view-config.ts); a kind's color and shape are its position's
  // (Okabe-Ito colors, told apart by people with color-blindness, and distinct shapes).
  var STYLES = [
    { color: '#E69F00', shape: 'ellipse' },
    { color: '#0072B2', shape: 'round-rectangle' },
    { color: '#009E73', shape: 'hexagon' },
    { color: '#D55E00', shape: 'diamond' },
    { color: '#CC79A7', shape: 'round-triangle' },
    { color: '#56B4E9', shape: 'pentagon' },
    { color: '#F0E442', shape: 'star' },
    { color: '#000000', shape: 'triangle' },
  ];
  var KINDS = config.kinds.map(function (k, i) {
    var style = STYLES[i % STYLES.length];
    return { kind: k.kind, label: k.label, color: style.color, shape: style.shape };
  });
  var KIND = {};
  KINDS.forEach(function (k) {
    KIND[k.kind] = k;
  });
  var OTHER_KIND = { kind: 'OTHER', label: 'Other', color: '#7B8794', shape: 'ellipse' };
  var kindOf = function (kind) {
    return KIND[kind] || OTHER_KIND;
  };

  var MIN_SIZE = 18;
  var MAX_SIZE = 66;

  // The largest graph drawn whole, with every entity's measures in the whole graph. A larger
  // one opens on the search box and the entities with the most relations (counted by the
  // database), draws one entity's neighborhood at a time, and asks only for measures within
  // the neighborhoods it draws: never for the whole graph's.
  var DRAW_BOUND = { relations: 2000, entities: 2000 };
  // On a large graph, the most entities and relations one neighborhood adds to the drawing:
  // past them, the neighbors with the most relations within the neighborhood are drawn.
  var NEIGHBORHOOD_BOUND = { relations: DRAW_BOUND.relations, entities: 200 };
  // How many of the most connected entities a large graph opens on.
  var TOP_COUNT = 12;
  // The most relations listed in the side panel (a hub can have thousands); the count says how many there are.
  var PANEL_RELATIONS = 200;

  // ---------------------------------------------------------------- GraphQL

  var METRIC_FIELDS = 'metrics { degree inDegree outDegree betweenness pageRank community }';
  var EDGE_FIELDS = 'edges { id type from { id } to { id } }';
  // Two counts in the database: how the page decides whether to draw the whole graph.
  var SIZE_QUERY = 'query GraphSize { graphSize { entities relations } }';
  var NETWORK_QUERY = 'query NetworkView { network { communities nodes { entity { id kind name aliases } ' + METRIC_FIELDS + ' } ' + EDGE_FIELDS + ' } }';
  // The neighborhood's own measures are computed within it; the entity's are the whole
  // graph's, which keeps the sizes of merged nodes comparable with the rest.
  var EXPAND_QUERY = 'query Expand($id: ID!) { network(id: $id, depth: 1) { nodes { entity { id kind name aliases ' + METRIC_FIELDS + ' } } ' + EDGE_FIELDS + ' } }';
  // On a large graph: degrees counted by the database, and a neighborhood with the measures
  // computed within it, the only measures a large graph is asked for.
  var TOP_QUERY = 'query MostConnected($first: Int!) { mostConnected(first: $first) { degree entity { id kind name } } }';
  var NEIGHBORHOOD_QUERY =
    'query Neighborhood($id: ID!) { network(id: $id, depth: 1) { communities nodes { entity { id kind name aliases } ' + METRIC_FIELDS + ' } ' + EDGE_FIELDS + ' } }';
  var SEARCH_QUERY = 'query Search($text: String!) { search(text: $text, first: 8) { score entity { id kind name aliases } } }';
  var CITATION_FIELDS = 'paragraph sentence quote source { id title publisher published url }';
  var names = function (fields) {
    return fields
      .map(function (f) {
        return f.name;
      })
      .join(' ');
  };
  var RELATION_FRAGMENT =
    'fragment Rel on Relation { id type ' +
    names(config.relationFields) +
    ' ' +
    config.relationRefs
      .map(function (r) {
        return r + ' { id name } ';
      })
      .join('') +
    'from { id name kind } to { id name kind } sources { ' +
    CITATION_FIELDS +
    ' } }';
  var ENTITY_FIELDS = config.entityTypes
    .filter(function (t) {
      return t.fields.length > 0;
    })
    .map(function (t) {
      return '... on ' + t.typeName + ' { ' + names(t.fields) + ' } ';
    })
    .join('');
  /** Each entity field once (types share some), in the SDL's order, for the side panel. */
  var ENTITY_FACTS = [];
  config.entityTypes.forEach(function (t) {
    t.fields.forEach(function (f) {
      if (
        !ENTITY_FACTS.some(function (g) {
          return g.name === f.name;
        })
      )
        ENTITY_FACTS.push(f);
    });
  });
  // Relation fields the side panel shows in a way of their own rather than as `label: value`
  // (a date range, the note as text); presentation, not the ontology.
  var RELATION_SHOWN_APART = { start: true, end: true, note: true };
  /** A field's value as shown: with its unit after a number. */
  function shown(f, value) {
    return f.unit && typeof value === 'number' ? value + ' ' + f.unit : value;
  }
  /** An entity for the side panel; its whole-graph measures only when the graph is drawn whole. */
  function entityQuery(withMetrics) {
    return (
      'query Entity($id: ID!) { entity(id: $id) { id kind name aliases description ' +
      ENTITY_FIELDS +
      (withMetrics ? METRIC_FIELDS + ' ' : '') +
      'sources { ' +
      CITATION_FIELDS +
      ' } relations { ...Rel } } } ' +
      RELATION_FRAGMENT
    );
  }
  var RELATION_QUERY =
    'query Relation($from: ID!, $to: ID!, $type: RelationType!) { relations(from: $from, to: $to, types: [$type], first: 100) { nodes { ...Rel } } } ' + RELATION_FRAGMENT;

  function gql(query, variables) {
    return fetch(config.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query: query, variables: variables || {} }),
    }).then(function (res) {
      return res.json().then(
        function (body) {
          if (body.errors && body.errors.length)
            throw new Error(
              body.errors
                .map(function (e) {
                  return e.message;
                })
                .join('; '),
            );
          if (!body.data) throw new Error('the server answered ' + res.status + ' with no data');
          return body.data;
        },
        function () {
          throw new Error('the server answered ' + res.status);
        },
      );
    });
  }

  // ---------------------------------------------------------------- DOM helpers

  /** An element with a class, and children that are elements or plain text (never HTML). */
  function h(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    });
    return node;
  }

  function button(label, className, onClick, title) {
    var b = h('button', className, [label]);
    b.type = 'button';
    if (title) b.title = title;
    b.addEventListener('click', onClick);
    return b;
  }

  var SVG = 'http://www.w3.org/2000/svg';
  /** A small picture of a kind's shape and color, for the legend and badges. */
  function swatch(kind) {
    var k = kindOf(kind);
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 20 20');
    svg.setAttribute('width', '16');
    svg.setAttribute('height', '16');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('class', 'swatch');
    var shape;
    if (k.shape === 'ellipse') {
      shape = document.createElementNS(SVG, 'circle');
      shape.setAttribute('cx', '10');
      shape.setAttribute('cy', '10');
      shape.setAttribute('r', '8');
    } else if (k.shape === 'round-rectangle') {
      shape = document.createElementNS(SVG, 'rect');
      shape.setAttribute('x', '2');
      shape.setAttribute('y', '3');
      shape.setAttribute('width', '16');
      shape.setAttribute('height', '14');
      shape.setAttribute('rx', '4');
    } else {
      shape = document.createElementNS(SVG, 'polygon');
      var points = { hexagon: '5,2 15,2 19,10 15,18 5,18 1,10', diamond: '10,1 19,10 10,19 1,10', 'round-triangle': '10,2 19,18 1,18' };
      shape.setAttribute('points', points[k.shape] || '10,2 19,18 1,18');
      shape.setAttribute('stroke-linejoin', 'round');
    }
    shape.setAttribute('fill', k.color);
    shape.setAttribute('stroke', '#ffffff');
    shape.setAttribute('stroke-width', '1');
    svg.appendChild(shape);
    return svg;
  }

  function kindBadge(kind) {
    return h('span', 'kind-badge kind-' + String(kind).toLowerCase(), [swatch(kind), kindOf(kind).label]);
  }

  var statusEl = document.getElementById('status');
  function status(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle('error', Boolean(isError));
  }

  var formatNumber = function (value, metric) {
    if (typeof value !== 'number') return '';
    if (metric === 'pageRank') return value.toFixed(3);
    if (Number.isInteger(value)) return String(value);
    return value.toFixed(1);
  };

  // ---------------------------------------------------------------- the graph

  var style = [
    {
      selector: 'node',
      style: {
        width: 'data(size)',
        height: 'data(size)',
        label: 'data(name)',
        'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif',
        'font-size': 13,
        color: '#1f2933',
        'text-valign': 'bottom',
        'text-halign': 'center',
        'text-margin-y': 3,
        'text-wrap': 'wrap',
        'text-max-width': 150,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.8,
        'text-background-padding': 1.5,
        'text-background-shape': 'roundrectangle',
        'border-width': 1.5,
        'border-color': '#ffffff',
        'min-zoomed-font-size': 7,
        'transition-property': 'opacity',
        'transition-duration': 150,
      },
    },
  ]
    .concat(
      KINDS.map(function (k) {
        return { selector: 'node[kind = "' + k.kind + '"]', style: { 'background-color': k.color, shape: k.shape } };
      }),
    )
    .concat([
      { selector: 'node[!known]', style: { 'background-color': OTHER_KIND.color } },
      {
        selector: 'edge',
        style: {
          width: 1.4,
          'line-color': '#b3bcc6',
          'target-arrow-color': '#b3bcc6',
          'target-arrow-shape': 'triangle',
          'arrow-scale': 0.8,
          'curve-style': 'bezier',
          'control-point-step-size': 22,
        },
      },
      { selector: 'edge.type-hidden', style: { display: 'none' } },
      { selector: '.dimmed', style: { opacity: 0.28 } },
      {
        selector: 'edge.near',
        style: {
          width: 2.4,
          'line-color': '#3e4c59',
          'target-arrow-color': '#3e4c59',
          label: 'data(type)',
          'font-size': 11,
          'font-family': 'ui-monospace, "DejaVu Sans Mono", monospace',
          color: '#1f2933',
          'text-rotation': 'autorotate',
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.9,
          'text-background-padding': 1.5,
          'z-index': 20,
        },
      },
      { selector: 'edge:selected', style: { 'line-color': '#1d4ed8', 'target-arrow-color': '#1d4ed8', width: 3.2 } },
      {
        selector: 'node.highlighted',
        style: {
          'border-width': 4,
          'border-color': '#111827',
          'font-weight': 'bold',
          'font-size': 14,
          'z-index': 30,
          'text-background-opacity': 1,
        },
      },
      { selector: 'node:selected', style: { 'overlay-opacity': 0 } },
    ]);

  var cy = cytoscape({
    container: document.getElementById('graph'),
    style: style,
    minZoom: 0.15,
    maxZoom: 4,
    boxSelectionEnabled: false,
    selectionType: 'single',
  });
  // For the browser tests and for anyone poking at the graph from the console.
  window.cy = cy;

  var metricSelect = document.getElementById('metric');
  var hiddenTypes = new Set();
  var focusedId = null;
  // The graph's size when it is over DRAW_BOUND (drawn a neighborhood at a time), else null.
  var large = null;

  /** `measuredIn`: the entity whose neighborhood the measures are of, or null for the whole graph. */
  function nodeData(entity, metrics, measuredIn) {
    return {
      measuredIn: measuredIn || null,
      id: entity.id,
      name: entity.name,
      kind: entity.kind,
      known: Boolean(KIND[entity.kind]),
      aliases: entity.aliases || [],
      degree: metrics.degree,
      inDegree: metrics.inDegree,
      outDegree: metrics.outDegree,
      betweenness: metrics.betweenness,
      pageRank: metrics.pageRank,
      community: metrics.community,
      size: MIN_SIZE,
    };
  }

  var edgeData = function (edge) {
    return { id: edge.id, source: edge.from.id, target: edge.to.id, type: edge.type };
  };

  /** Sizes every node by the chosen metric: area grows with the value, relative to the largest. */
  function applySizes() {
    var metric = metricSelect.value;
    var max = 0;
    cy.nodes().forEach(function (n) {
      max = Math.max(max, n.data(metric) || 0);
    });
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var v = n.data(metric) || 0;
        n.data('size', max > 0 ? MIN_SIZE + (MAX_SIZE - MIN_SIZE) * Math.sqrt(v / max) : MIN_SIZE);
      });
    });
  }

  function applyFilter() {
    cy.batch(function () {
      cy.edges().forEach(function (e) {
        e.toggleClass('type-hidden', hiddenTypes.has(e.data('type')));
      });
    });
    if (focusedId) highlight(focusedId);
    markFilteredRelations();
  }

  /** Emphasizes a node, the relations it has that are shown, and the entities at their other ends. */
  function highlight(id) {
    var node = cy.getElementById(id);
    cy.batch(function () {
      cy.elements().removeClass('highlighted near dimmed');
      if (node.empty()) return;
      var edges = node.connectedEdges().not('.type-hidden');
      var near = node.union(edges).union(edges.connectedNodes());
      cy.elements().not(near).addClass('dimmed');
      edges.addClass('near');
      node.addClass('highlighted');
    });
  }

  function clearFocus() {
    focusedId = null;
    cy.elements().removeClass('highlighted near dimmed');
    cy.elements().unselect();
  }

  /** Selects a node: highlights it, optionally centers on it, and shows its panel. */
  function focusNode(id, center) {
    var node = cy.getElementById(id);
    if (node.empty()) {
      // Not drawn yet (added since the page loaded): bring in its neighborhood first.
      return expand(id, true).then(function () {
        if (!cy.getElementById(id).empty()) focusNode(id, center);
      });
    }
    focusedId = id;
    cy.elements().unselect();
    node.select();
    highlight(id);
    if (center) {
      // Center the node itself (cy.center would center its box, label included).
      var zoom = Math.max(cy.zoom(), 1.1);
      var p = node.position();
      cy.stop();
      cy.animate({ zoom: zoom, pan: { x: cy.width() / 2 - p.x * zoom, y: cy.height() / 2 - p.y * zoom } }, { duration: 350 });
    }
    return showEntity(id);
  }

  /**
   * Adds entities and relations not yet drawn; returns how many of each were new. New
   * entities go on a circle around `around`, or failing that around an entity of the
   * network that is drawn already.
   */
  function merge(network, around, measuredIn) {
    var anchor = around && !cy.getElementById(around).empty() ? cy.getElementById(around) : null;
    if (!anchor) {
      var drawn = network.nodes.filter(function (n) {
        return !cy.getElementById(n.entity.id).empty();
      })[0];
      if (drawn) anchor = cy.getElementById(drawn.entity.id);
    }
    var center = anchor ? anchor.position() : null;
    var newNodes = network.nodes.filter(function (n) {
      return cy.getElementById(n.entity.id).empty();
    });
    // The circle grows with what goes on it, so a large neighborhood does not pile up.
    var radius = Math.max(110, 9 * newNodes.length);
    var added = { nodes: 0, edges: 0 };
    cy.batch(function () {
      newNodes.forEach(function (n, i) {
        var angle = (2 * Math.PI * i) / Math.max(newNodes.length, 1);
        var position = center ? { x: center.x + radius * Math.cos(angle), y: center.y + radius * Math.sin(angle) } : { x: 0, y: 0 };
        cy.add({ group: 'nodes', data: nodeData(n.entity, n.metrics || n.entity.metrics, measuredIn), position: position });
        added.nodes++;
      });
      network.edges.forEach(function (e) {
        if (!cy.getElementById(e.id).empty()) return;
        if (cy.getElementById(e.from.id).empty() || cy.getElementById(e.to.id).empty()) return;
        cy.add({ group: 'edges', data: edgeData(e) });
        added.edges++;
      });
    });
    return added;
  }

  /**
   * What a large graph's neighborhood of `centerId` adds to the drawing: all that is new,
   * within NEIGHBORHOOD_BOUND; past it, the entity and then its neighbors in order of their
   * relations within the neighborhood, as many as keep the new entities and relations within
   * the bound. `cut` says how much was left out (null when nothing was).
   */
  function drawable(network, centerId) {
    var isNew = function (id) {
      return cy.getElementById(id).empty();
    };
    var newNodes = network.nodes.filter(function (n) {
      return isNew(n.entity.id);
    });
    var newEdges = network.edges.filter(function (e) {
      return isNew(e.id);
    });
    if (newNodes.length <= NEIGHBORHOOD_BOUND.entities && newEdges.length <= NEIGHBORHOOD_BOUND.relations) {
      return { network: network, cut: null };
    }
    var incident = {};
    newEdges.forEach(function (e) {
      (incident[e.from.id] = incident[e.from.id] || []).push(e);
      (incident[e.to.id] = incident[e.to.id] || []).push(e);
    });
    var ranked = newNodes.slice().sort(function (a, b) {
      if (a.entity.id === centerId) return -1;
      if (b.entity.id === centerId) return 1;
      return (b.metrics ? b.metrics.degree : 0) - (a.metrics ? a.metrics.degree : 0) || (a.entity.id < b.entity.id ? -1 : 1);
    });
    var kept = new Set();
    var keptNodes = [];
    var keptEdges = [];
    for (var i = 0; i < ranked.length && keptNodes.length < NEIGHBORHOOD_BOUND.entities; i++) {
      var id = ranked[i].entity.id;
      var joining = (incident[id] || []).filter(function (e) {
        var other = e.from.id === id ? e.to.id : e.from.id;
        return kept.has(other) || !isNew(other);
      });
      if (keptEdges.length + joining.length > NEIGHBORHOOD_BOUND.relations) break;
      kept.add(id);
      keptNodes.push(ranked[i]);
      keptEdges.push.apply(keptEdges, joining);
    }
    return {
      network: { nodes: keptNodes, edges: keptEdges, communities: network.communities },
      cut: { nodes: keptNodes.length, edges: keptEdges.length, ofNodes: newNodes.length, ofEdges: newEdges.length },
    };
  }

  /** Lays the whole graph out from positions on a circle ordered by community, so a reload draws the same picture. */
  function layoutAll() {
    var nodes = cy.nodes().sort(function (a, b) {
      return a.data('community') - b.data('community') || (a.id() < b.id() ? -1 : 1);
    });
    var r = 40 * Math.max(nodes.length, 6);
    nodes.forEach(function (n, i) {
      var angle = (2 * Math.PI * i) / nodes.length;
      n.position({ x: r * Math.cos(angle), y: r * Math.sin(angle) });
    });
    cy.layout({
      name: 'cose',
      animate: false,
      randomize: false,
      fit: true,
      padding: 40,
      // Strong repulsion and gravity keep the labels apart and the drawing compact enough
      // to read at the zoom that fits it.
      nodeDimensionsIncludeLabels: false,
      nodeRepulsion: function () {
        return 400000;
      },
      nodeOverlap: 10,
      idealEdgeLength: function () {
        return 80;
      },
      edgeElasticity: function () {
        return 100;
      },
      gravity: 80,
      componentSpacing: 40,
      numIter: 2500,
    }).run();
  }

  /**
   * A large graph's neighborhood: rings around the entity, its neighbors with the most
   * relations nearest; small ones are laid out like the whole graph.
   */
  function layoutNeighborhood(centerId) {
    if (cy.nodes().length <= 80) return layoutAll();
    // Rings that grow as they widen (8, 16, 24, … entities), filled in order of relations
    // within the neighborhood, so the most connected neighbors sit nearest.
    var ring = {};
    var level = 1;
    var used = 0;
    cy.nodes()
      .filter(function (n) {
        return n.id() !== centerId;
      })
      .sort(function (a, b) {
        return (b.data('degree') || 0) - (a.data('degree') || 0) || (a.id() < b.id() ? -1 : 1);
      })
      .forEach(function (n) {
        if (used === 8 * level) {
          level++;
          used = 0;
        }
        ring[n.id()] = level;
        used++;
      });
    cy.layout({
      name: 'concentric',
      animate: false,
      fit: true,
      padding: 40,
      minNodeSpacing: 12,
      concentric: function (n) {
        return n.id() === centerId ? level + 1 : level + 1 - ring[n.id()];
      },
      levelWidth: function () {
        return 1;
      },
    }).run();
  }

  var count = function (n, one, many) {
    return n.toLocaleString('en-US') + ' ' + (n === 1 ? one : many);
  };

  function expand(id, quiet) {
    status('Expanding the neighborhood…');
    // A large graph is only ever measured within the neighborhoods drawn.
    return gql(large ? NEIGHBORHOOD_QUERY : EXPAND_QUERY, { id: id }).then(
      function (data) {
        var picked = large ? drawable(data.network, id) : { network: data.network, cut: null };
        var self = data.network.nodes.filter(function (n) {
          return n.entity.id === id;
        })[0];
        var added = merge(picked.network, id, large ? (self ? self.entity.name : id) : null);
        applySizes();
        renderFilter();
        applyFilter();
        renderLegend();
        var text =
          added.nodes || added.edges
            ? 'Added ' + count(added.nodes, 'entity', 'entities') + ' and ' + count(added.edges, 'relation', 'relations') + '.'
            : 'The whole neighborhood is already drawn.';
        if (picked.cut) {
          text =
            text.replace(/\.$/, '') +
            ': those with the most relations of the ' +
            count(picked.cut.ofNodes, 'entity', 'entities') +
            ' and ' +
            count(picked.cut.ofEdges, 'relation', 'relations') +
            ' not drawn yet (at most ' +
            NEIGHBORHOOD_BOUND.entities +
            ' entities and ' +
            NEIGHBORHOOD_BOUND.relations.toLocaleString('en-US') +
            ' relations at a time).';
        }
        status(summary() + ' — ' + text);
        if (!quiet) {
          var neighborhood = cy.getElementById(id).closedNeighborhood();
          if (neighborhood.nonempty()) cy.animate({ fit: { eles: neighborhood, padding: 80 } }, { duration: 350 });
        }
        return { added: added, text: text };
      },
      function (err) {
        status('Could not expand: ' + err.message, true);
        throw err;
      },
    );
  }

  function summary() {
    var drawn = count(cy.nodes().length, 'entity', 'entities') + ' · ' + count(cy.edges().length, 'relation', 'relations');
    return large ? drawn + ' drawn, of ' + large.entities.toLocaleString('en-US') + ' · ' + large.relations.toLocaleString('en-US') : drawn;
  }

  // ---------------------------------------------------------------- a large graph

  var startCard = document.getElementById('start');
  var scope = document.getElementById('scope');
  var drawRequest = 0;

  function sizeText() {
    return (
      'This graph has ' +
      count(large.entities, 'entity', 'entities') +
      ' and ' +
      count(large.relations, 'relation', 'relations') +
      ', more than this view draws at once (' +
      DRAW_BOUND.relations.toLocaleString('en-US') +
      ' relations or ' +
      DRAW_BOUND.entities.toLocaleString('en-US') +
      ' entities).'
    );
  }

  /** One of the most connected entities, as a button that draws its neighborhood. */
  function topItem(ranked) {
    var e = ranked.entity;
    var b = button(
      '',
      'top-entity',
      function () {
        startFrom(e.id);
      },
      'Draw the neighborhood of ' + e.name,
    );
    b.replaceChildren(swatch(e.kind), h('span', 'top-name', [e.name]), h('span', 'top-degree', [ranked.degree.toLocaleString('en-US')]));
    b.dataset.id = e.id;
    b.setAttribute('aria-label', e.name + ', ' + kindOf(e.kind).label + ', ' + count(ranked.degree, 'relation', 'relations'));
    return h('li', null, [b]);
  }

  function showStart(top) {
    var list = h('ol', 'top-list', top.map(topItem));
    startCard.replaceChildren(
      h('h2', null, ['A large graph']),
      h('p', null, [sizeText()]),
      h('p', null, [
        'Find an entity with the search box above, or start from one of the ' +
          top.length +
          ' with the most relations. The view then draws its neighborhood, one relation deep, with node sizes measured within it.',
      ]),
      h('div', 'top-head', [h('span', null, ['Entity']), h('span', null, ['Relations'])]),
      list,
    );
    startCard.hidden = false;
    // The same list on the left, once something is drawn, to start again from another.
    var side = document.getElementById('top-list');
    side.replaceChildren.apply(side, top.map(topItem));
    document.getElementById('metric-scope').hidden = false;
  }

  /** Says what the drawing is: which neighborhood, and how much of it when it was cut. */
  function showScope(center, network, cut) {
    var text =
      'Neighborhood of ' +
      center.name +
      ': ' +
      (cut
        ? 'the ' +
          count(cut.nodes, 'entity', 'entities') +
          ' with the most relations within it, of ' +
          network.nodes.length.toLocaleString('en-US') +
          ', and ' +
          count(cut.edges, 'relation', 'relations') +
          ' of ' +
          network.edges.length.toLocaleString('en-US') +
          '.'
        : count(network.nodes.length, 'entity', 'entities') + ' and ' + count(network.edges.length, 'relation', 'relations') + '.') +
      ' Sizes are measured within it. ' +
      sizeText();
    scope.replaceChildren(h('span', null, [text]));
    scope.hidden = false;
  }

  /** Draws the neighborhood of `id` in place of whatever was drawn. */
  function startFrom(id) {
    var request = ++drawRequest;
    startCard.hidden = true;
    status('Drawing the neighborhood…');
    return gql(NEIGHBORHOOD_QUERY, { id: id }).then(
      function (data) {
        if (request !== drawRequest) return;
        var network = data.network;
        var center = network.nodes.filter(function (n) {
          return n.entity.id === id;
        })[0];
        if (!center) {
          status('No entity ' + id + ' to start from.', true);
          return;
        }
        focusedId = null;
        cy.elements().remove();
        var picked = drawable(network, id);
        showScope(center.entity, network, picked.cut);
        document.getElementById('start-section').hidden = false;
        // The banner above took some of the drawing's height.
        cy.resize();
        merge(picked.network, null, center.entity.name);
        applySizes();
        layoutNeighborhood(id);
        renderLegend();
        renderFilter();
        applyFilter();
        status(summary());
        document.body.dataset.drawn = id;
        return focusNode(id, false);
      },
      function (err) {
        if (request === drawRequest) status('Could not draw the neighborhood: ' + err.message, true);
      },
    );
  }

  // ---------------------------------------------------------------- legend and filter

  function renderLegend() {
    var counts = {};
    cy.nodes().forEach(function (n) {
      counts[n.data('kind')] = (counts[n.data('kind')] || 0) + 1;
    });
    var items = KINDS.map(function (k) {
      return h('li', null, [swatch(k.kind), h('span', 'legend-label', [k.label]), h('span', 'count', [String(counts[k.kind] || 0)])]);
    });
    document.getElementById('legend').replaceChildren.apply(document.getElementById('legend'), items);
  }

  function renderFilter() {
    var counts = {};
    cy.edges().forEach(function (e) {
      counts[e.data('type')] = (counts[e.data('type')] || 0) + 1;
    });
    var types = Object.keys(counts).sort();
    var list = document.getElementById('type-filter');
    list.replaceChildren.apply(
      list,
      types.map(function (type) {
        var box = document.createElement('input');
        box.type = 'checkbox';
        box.value = type;
        box.checked = !hiddenTypes.has(type);
        box.addEventListener('change', function () {
          if (box.checked) hiddenTypes.delete(type);
          else hiddenTypes.add(type);
          applyFilter();
        });
        var label = h('label', null, [box, h('span', 'type-name', [type]), h('span', 'count', [String(counts[type])])]);
        label.title = type;
        return h('li', null, [label]);
      }),
    );
  }

  function setAllTypes(visible) {
    hiddenTypes.clear();
    if (!visible)
      cy.edges().forEach(function (e) {
        hiddenTypes.add(e.data('type'));
      });
    document.querySelectorAll('#type-filter input[type=checkbox]').forEach(function (box) {
      box.checked = visible;
    });
    applyFilter();
  }

  document.getElementById('types-all').addEventListener('click', function () {
    setAllTypes(true);
  });
  document.getElementById('types-none').addEventListener('click', function () {
    setAllTypes(false);
  });
  document.getElementById('fit').addEventListener('click', function () {
    cy.animate({ fit: { eles: cy.elements(':visible'), padding: 40 } }, { duration: 300 });
  });
  metricSelect.addEventListener('change', applySizes);

  // ---------------------------------------------------------------- side panel

  var panel = document.getElementById('panel');
  var panelRequest = 0;

  function showHint() {
    panel.replaceChildren(h('p', 'hint', ['Click an entity to see its relations and the sources that support them. Use the search box to find one by name.']));
  }

  function closePanel() {
    clearSearch();
    panelRequest++;
    clearFocus();
    showHint();
  }

  function citationList(citations) {
    return h(
      'ul',
      'citations',
      citations.map(function (c) {
        var where = '¶ ' + c.paragraph + (c.sentence ? ', sentence ' + c.sentence : '');
        var src = c.source || {};
        // A source without a title of its own is named by its publisher, not given a made-up title.
        var title = h('cite', 'source-title', [src.title || src.publisher || 'Unknown source']);
        var link = null;
        if (src.url && /^https?:\/\//i.test(src.url)) {
          link = document.createElement('a');
          link.href = src.url;
          link.rel = 'noopener noreferrer';
          link.target = '_blank';
          link.textContent = 'link';
          link.className = 'source-link';
        }
        var meta = [src.title ? src.publisher : null, src.published].filter(Boolean).join(', ');
        return h('li', 'citation', [
          h('blockquote', 'quote', ['“' + c.quote + '”']),
          h('div', 'cite-line', [h('span', 'where', [where]), ' · ', title, meta ? ' — ' + meta : '', link ? ' · ' : '', link]),
        ]);
      }),
    );
  }

  function relationItem(rel, selfId) {
    var outgoing = rel.from.id === selfId;
    var other = outgoing ? rel.to : rel.from;
    var otherButton = button(
      other.name,
      'link entity-link',
      function () {
        focusNode(other.id, true);
      },
      'Show ' + other.name,
    );
    var head = h('div', 'rel-head', [
      outgoing ? null : h('span', 'dir', ['←']),
      h('span', 'rel-type', [rel.type]),
      outgoing ? h('span', 'dir', ['→']) : null,
      swatch(other.kind),
      otherButton,
    ]);
    // Every stored field as `label: value`, but for the few shown in a way of their own
    // (RELATION_SHOWN_APART); a field the SDL gains is listed with no edit here.
    var facts = [];
    config.relationFields.forEach(function (f) {
      var v = rel[f.name];
      if (RELATION_SHOWN_APART[f.name] || v === null || v === undefined || v === '') return;
      facts.push(f.label + ': ' + shown(f, v));
    });
    if (rel.start || rel.end) facts.push((rel.start || '…') + ' – ' + (rel.end || '…'));
    var refs = config.relationRefs
      .filter(function (r) {
        return rel[r];
      })
      .map(function (r) {
        return h('div', 'claim', [r === 'claimedBy' ? 'Claimed by ' + rel[r].name + ', not established' : r + ': ' + rel[r].name]);
      });
    var item = h(
      'li',
      'relation',
      [head, facts.length ? h('div', 'rel-facts', [facts.join(' · ')]) : null].concat(refs, [
        rel.note ? h('div', 'rel-note', [rel.note]) : null,
        rel.sources.length ? citationList(rel.sources) : h('div', 'rel-note', ['No citation.']),
      ]),
    );
    item.dataset.type = rel.type;
    item.dataset.relation = rel.id;
    return item;
  }

  function markFilteredRelations() {
    panel.querySelectorAll('li.relation').forEach(function (li) {
      li.classList.toggle('filtered', hiddenTypes.has(li.dataset.type));
    });
  }

  function panelHeader(kind) {
    return h('div', 'panel-head', [kindBadge(kind), button('×', 'close', closePanel, 'Close')]);
  }

  function showEntity(id) {
    var request = ++panelRequest;
    panel.replaceChildren(h('p', 'hint', ['Loading…']));
    return gql(entityQuery(!large), { id: id }).then(
      function (data) {
        if (request !== panelRequest) return;
        var e = data.entity;
        if (!e) {
          panel.replaceChildren(panelHeader('OTHER'), h('p', 'error', ['No entity ' + id + '.']));
          return;
        }
        var facts = ENTITY_FACTS.map(function (f) {
          return [f.label.charAt(0).toUpperCase() + f.label.slice(1), e[f.name] === null || e[f.name] === undefined ? null : shown(f, e[f.name])];
        }).filter(function (f) {
          return f[1] !== null && f[1] !== undefined && f[1] !== '';
        });
        // A large graph's entity is measured only within the neighborhood it was drawn from.
        var node = cy.getElementById(e.id);
        var m = large ? (node.nonempty() ? node.data() : null) : e.metrics;
        var metricRows = m
          ? [
              ['Degree', m.degree + ' (in ' + m.inDegree + ', out ' + m.outDegree + ')'],
              ['Betweenness', formatNumber(m.betweenness, 'betweenness')],
              ['PageRank', formatNumber(m.pageRank, 'pageRank')],
              ['Community', String(m.community)],
            ]
          : null;
        var measuredIn = !large ? 'Measures in the whole graph' : m ? 'Measures within the neighborhood of ' + m.measuredIn : 'Not drawn, so not measured';
        var dl = function (rows, className) {
          var list = h('dl', className, []);
          rows.forEach(function (r) {
            list.appendChild(h('dt', null, [r[0]]));
            list.appendChild(h('dd', null, [String(r[1])]));
          });
          return list;
        };
        var expandResult = h('p', 'expand-result', []);
        var expandButton = button(
          'Expand neighborhood',
          'primary expand',
          function () {
            expandButton.disabled = true;
            expand(e.id).then(
              function (r) {
                expandResult.textContent = r.text;
                expandButton.disabled = false;
              },
              function (err) {
                expandResult.textContent = 'Could not expand: ' + err.message;
                expandButton.disabled = false;
              },
            );
          },
          'Fetch the entities one relation away and add what is not drawn yet',
        );
        var relations = e.relations.slice().sort(function (a, b) {
          return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
        });
        panel.replaceChildren(
          panelHeader(e.kind),
          h('h2', 'entity-name', [e.name]),
          e.aliases.length ? h('p', 'aliases', ['Also: ' + e.aliases.join(', ')]) : null,
          e.description ? h('p', 'description', [e.description]) : null,
          facts.length ? dl(facts, 'facts') : null,
          h('p', 'measured-in', [measuredIn]),
          metricRows ? dl(metricRows, 'metrics') : null,
          h('div', 'actions', [expandButton]),
          expandResult,
          h('h3', null, ['Relations ', h('span', 'count', [relations.length.toLocaleString('en-US')])]),
          relations.length
            ? h(
                'ul',
                'relations',
                relations.slice(0, PANEL_RELATIONS).map(function (r) {
                  return relationItem(r, e.id);
                }),
              )
            : h('p', 'hint', ['No relations.']),
          relations.length > PANEL_RELATIONS ? h('p', 'hint more', ['Only the first ' + PANEL_RELATIONS + ', by type, are listed here.']) : null,
          e.sources.length ? h('h3', null, ['Sources for the entity']) : null,
          e.sources.length ? citationList(e.sources) : null,
        );
        markFilteredRelations();
        panel.scrollTop = 0;
      },
      function (err) {
        if (request !== panelRequest) return;
        panel.replaceChildren(panelHeader('OTHER'), h('p', 'error', ['Could not load the entity: ' + err.message]));
      },
    );
  }

  function showRelation(edge) {
    var request = ++panelRequest;
    panel.replaceChildren(h('p', 'hint', ['Loading…']));
    var vars = { from: edge.data('source'), to: edge.data('target'), type: edge.data('type') };
    return gql(RELATION_QUERY, vars).then(
      function (data) {
        if (request !== panelRequest) return;
        var rel = data.relations.nodes.filter(function (r) {
          return r.id === edge.id();
        })[0];
        if (!rel) {
          panel.replaceChildren(h('p', 'error', ['That relation is no longer in the graph.']));
          return;
        }
        var from = button(rel.from.name, 'link entity-link', function () {
          focusNode(rel.from.id, true);
        });
        panel.replaceChildren(
          h('div', 'panel-head', [h('span', 'kind-badge', ['Relation']), button('×', 'close', closePanel, 'Close')]),
          h('h2', 'entity-name', [rel.type]),
          h('p', 'rel-ends', ['From ', from]),
          h('ul', 'relations', [relationItem(rel, rel.from.id)]),
        );
        markFilteredRelations();
      },
      function (err) {
        if (request !== panelRequest) return;
        panel.replaceChildren(h('p', 'error', ['Could not load the relation: ' + err.message]));
      },
    );
  }

  // Drop nulls: replaceChildren would insert them as the text "null".
  var nativeReplace = Element.prototype.replaceChildren;
  panel.replaceChildren = function () {
    nativeReplace.apply(
      panel,
      Array.prototype.filter.call(arguments, function (c) {
        return c !== null && c !== undefined;
      }),
    );
  };

  cy.on('tap', 'node', function (evt) {
    clearSearch();
    focusNode(evt.target.id(), false);
  });
  cy.on('tap', 'edge', function (evt) {
    focusedId = null;
    cy.elements().removeClass('highlighted near dimmed');
    showRelation(evt.target);
  });
  cy.on('tap', function (evt) {
    if (evt.target === cy) closePanel();
  });

  // ---------------------------------------------------------------- search

  var searchInput = document.getElementById('search');
  var hitsList = document.getElementById('search-hits');
  var searchSeq = 0;
  var searchTimer = null;
  var hits = [];
  var hitsFor = null;
  var active = -1;

  function clearSearch() {
    clearTimeout(searchTimer);
    searchSeq++;
    searchInput.value = '';
    hits = [];
    hitsFor = null;
    hideHits();
  }

  function hideHits() {
    hitsList.hidden = true;
    searchInput.setAttribute('aria-expanded', 'false');
    active = -1;
  }

  function renderHits() {
    hitsList.replaceChildren.apply(
      hitsList,
      hits.length
        ? hits.map(function (hit, i) {
            var e = hit.entity;
            var li = h('li', 'search-hit' + (i === active ? ' active' : ''), [swatch(e.kind), h('span', 'hit-name', [e.name]), h('span', 'hit-kind', [kindOf(e.kind).label])]);
            li.setAttribute('role', 'option');
            li.dataset.id = e.id;
            li.addEventListener('mousedown', function (ev) {
              ev.preventDefault();
            });
            li.addEventListener('click', function () {
              pick(hit);
            });
            return li;
          })
        : [h('li', 'search-empty', ['No entity matches.'])],
    );
    hitsList.hidden = false;
    searchInput.setAttribute('aria-expanded', 'true');
  }

  function runSearch(text) {
    var seq = ++searchSeq;
    return gql(SEARCH_QUERY, { text: text.slice(0, 200) }).then(
      function (data) {
        if (seq !== searchSeq) return null;
        hits = data.search;
        hitsFor = text;
        active = hits.length ? 0 : -1;
        renderHits();
        return hits;
      },
      function (err) {
        if (seq === searchSeq) status('Search failed: ' + err.message, true);
        return null;
      },
    );
  }

  function pick(hit) {
    hideHits();
    searchInput.value = hit.entity.name;
    // A large graph starts again from an entity that is not drawn.
    if (large && cy.getElementById(hit.entity.id).empty()) startFrom(hit.entity.id);
    else focusNode(hit.entity.id, true);
  }

  searchInput.addEventListener('input', function () {
    clearTimeout(searchTimer);
    var text = searchInput.value.trim();
    if (!text) return clearSearch();
    searchTimer = setTimeout(function () {
      runSearch(text);
    }, 180);
  });
  searchInput.addEventListener('keydown', function (ev) {
    var text = searchInput.value.trim();
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!hits.length) return;
      ev.preventDefault();
      active = (active + (ev.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length;
      renderHits();
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      if (!text) return;
      if (hitsFor === text && hits.length) return pick(hits[Math.max(active, 0)]);
      clearTimeout(searchTimer);
      runSearch(text).then(function (found) {
        if (found && found.length) pick(found[0]);
      });
    } else if (ev.key === 'Escape') {
      hideHits();
    }
  });
  searchInput.addEventListener('blur', function () {
    setTimeout(hideHits, 150);
  });
  searchInput.addEventListener('focus', function () {
    if (hits.length && hitsFor === searchInput.value.trim()) renderHits();
  });

  // ---------------------------------------------------------------- start

  function drawWhole() {
    return gql(NETWORK_QUERY).then(function (data) {
      var network = data.network;
      merge(network, null, null);
      applySizes();
      layoutAll();
      renderLegend();
      renderFilter();
      applyFilter();
      status(summary() + ' · ' + network.communities + ' communities');
      document.body.dataset.mode = 'whole';
    });
  }

  /** A large graph opens on the search box and the entities with the most relations. */
  function openLarge(size) {
    large = size;
    return gql(TOP_QUERY, { first: TOP_COUNT }).then(function (data) {
      showStart(data.mostConnected);
      renderLegend();
      status('Large graph: ' + size.entities.toLocaleString('en-US') + ' entities · ' + size.relations.toLocaleString('en-US') + ' relations');
      document.body.dataset.mode = 'large';
      searchInput.focus();
    });
  }

  // Two counts first: the whole graph and its measures are asked for only when it is small.
  gql(SIZE_QUERY)
    .then(function (data) {
      var size = data.graphSize;
      return size.relations > DRAW_BOUND.relations || size.entities > DRAW_BOUND.entities ? openLarge(size) : drawWhole();
    })
    .then(
      function () {
        document.body.dataset.ready = 'true';
      },
      function (err) {
        status('Could not load the graph: ' + err.message, true);
        document.body.dataset.ready = 'error';
      },
    );
})();
