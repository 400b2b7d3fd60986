/**
 * A reference or resume code shown large, in groups, for writing down and reading aloud over the phone.
 * Each group is its own span so the spacing comes from CSS, while copying still gives `XXXX-XXXX-XX`.
 */
export function ReferenceCode(props: { code: string; labelId?: string }) {
  const groups = props.code.split('-');
  return (
    <p class="sanctuary-reference" aria-labelledby={props.labelId}>
      {groups.map((g, i) => (
        <>
          <span class="sanctuary-reference__group">{g}</span>
          {i < groups.length - 1 ? <span class="sanctuary-reference__dash">-</span> : null}
        </>
      ))}
    </p>
  );
}
