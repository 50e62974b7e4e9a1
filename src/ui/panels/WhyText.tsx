/**
 * A why-feed sentence with its words linked: each glossary term (the first mention of each) is a
 * button that opens the glossary at that entry, and the server the line is about is a button that
 * selects it. The buttons carry the class `feed-link`, through which `useRovingLinks` makes the
 * whole feed one tab stop with arrow keys inside it.
 */
import { Fragment } from 'react';
import { getLocale, t } from '../i18n';
import { glossaryEntry, linkTerms } from '../model/glossary';
import './words.css';

export interface WhyTextProps {
  text: string;
  /** Opens the glossary at entry `id` (without it, terms are plain text). */
  onTerm?(id: string): void;
  /** The server the sentence is about: its first mention selects it. */
  node?: string | null;
  onNode?(id: string): void;
}

/** Splits `text` at the first whole-word mention of `node` ("S1", not inside "S10"). */
function splitNode(text: string, node: string): [string, string] | null {
  const re = new RegExp(`(?<![\\w-])${node.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`);
  const m = re.exec(text);
  return m ? [text.slice(0, m.index), text.slice(m.index + node.length)] : null;
}

export function WhyText({ text, onTerm, node, onNode }: WhyTextProps) {
  const lang = getLocale();
  const terms = (s: string, keyBase: string) =>
    (onTerm ? linkTerms(s, lang) : [{ text: s }]).map((p: { text: string; term?: string }, i) =>
      p.term && onTerm ? (
        <button
          key={`${keyBase}${i}`}
          type="button"
          className="term-link feed-link"
          data-term={p.term}
          title={t('glossary.termTitle', { term: glossaryEntry(p.term)?.term[lang] ?? p.text })}
          onClick={(e) => {
            e.stopPropagation();
            onTerm(p.term!);
          }}
        >
          {p.text}
        </button>
      ) : (
        <Fragment key={`${keyBase}${i}`}>{p.text}</Fragment>
      ),
    );
  const split = node && onNode ? splitNode(text, node) : null;
  if (!split || !node || !onNode) return <>{terms(text, 't')}</>;
  return (
    <>
      {terms(split[0], 'a')}
      <button
        type="button"
        className="node-link feed-link"
        data-node={node}
        title={t('logs.selectTitle', { id: node })}
        onClick={(e) => {
          e.stopPropagation();
          onNode(node);
        }}
      >
        {node}
      </button>
      {terms(split[1], 'b')}
    </>
  );
}
